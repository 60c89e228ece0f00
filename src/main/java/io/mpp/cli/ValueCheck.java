package io.mpp.cli;

/**
 * Checks a flag's text before anything starts and returns the text config.yml receives. A failed check throws
 * {@link IllegalArgumentException} saying what is wrong and what is accepted; the caller adds the flag's name.
 */
@FunctionalInterface
public interface ValueCheck {

    String check(String text);
}
