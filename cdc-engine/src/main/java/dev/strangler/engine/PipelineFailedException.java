package dev.strangler.engine;

/** The running pipeline stopped because of an error; no event after the last committed position was skipped. */
public final class PipelineFailedException extends RuntimeException {
    public PipelineFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
