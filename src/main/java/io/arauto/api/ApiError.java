package io.arauto.api;

/** What an API error answers: the HTTP status and, in plain words, what went wrong and what to do. */
public record ApiError(int status, String error, String message) { }
