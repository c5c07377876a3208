package io.arauto.config;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * {@code arauto.intake.done-files=true} turns on the file consumers' done-file option: a file is
 * taken only once {@code <file>.done} exists. Routes read it as the optional placeholder
 * {@code {{?arauto.intake.done-file-name}}}, which is absent (option off) otherwise.
 */
@Component
public class DoneFilesSetting implements CamelContextConfiguration {

    private final ArautoProperties properties;

    public DoneFilesSetting(ArautoProperties properties) {
        this.properties = properties;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        if (properties.getIntake().isDoneFiles()) {
            camel.getPropertiesComponent().addInitialProperty("arauto.intake.done-file-name", "${file:name}.done");
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }
}
