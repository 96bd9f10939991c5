package dev.strangler.engine.config;

/**
 * Something in the configuration a person should fix that does not stop the pipeline (a secret file others can
 * read): the doctor reports each as a WARN, a start logs each.
 *
 * @param key    the setting it is about
 * @param detail what was found
 * @param fix    what to do about it
 */
public record ConfigWarning(String key, String detail, String fix) {

    @Override
    public String toString() {
        return detail + "; " + fix;
    }
}
