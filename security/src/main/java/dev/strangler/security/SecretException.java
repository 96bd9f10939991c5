package dev.strangler.security;

/**
 * A secret cannot be resolved: a file that is missing or unreadable, a provider reference that resolves to nothing, a
 * key set twice. The message names the key and the file or reference, never a value; callers turn it into their own
 * configuration error.
 */
public final class SecretException extends RuntimeException {
    public SecretException(String message) {
        super(message);
    }
}
