package io.arauto.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An ERROR line or a stack trace that a test provokes on purpose, so {@link ErrorLogCheck} lets it
 * pass: on a test method for that test, on a test class (or a superclass, or an annotation on
 * either) for all its tests and for its context's start and stop. Anything else fails the test.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Repeatable(ExpectedErrorLog.List.class)
public @interface ExpectedErrorLog {

    /** The logger's name, or the start of it ({@code org.apache.sshd} covers its sub-loggers). */
    String logger();

    /** Text the message or its exceptions (class names and messages, causes included) must contain. */
    String containing();

    /** Why the test provokes it: an allowance nobody can explain is a bug waiting to be hidden. */
    String because();

    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
    @interface List {
        ExpectedErrorLog[] value();
    }
}
