package io.arauto.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The app runs on {@code src/test/resources/templates-test.yml}, whose template {@code quebrado}
 * is misconfigured on purpose (RejectedFilesTest checks how its files are refused): the catalog
 * says so at ERROR whenever it loads the file.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExpectedErrorLog(logger = "io.arauto.template.TemplateCatalog", containing = "Template 'quebrado'",
        because = "templates-test.yml holds the misconfigured template 'quebrado' on purpose")
public @interface UsesTestTemplates {
}
