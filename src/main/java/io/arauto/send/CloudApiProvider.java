package io.arauto.send;

/** STUB until the cloudapi branch lands. */
public class CloudApiProvider implements Provider {
    @Override
    public SendOutcome send(TemplateMessage message) {
        throw new UnsupportedOperationException();
    }
}
