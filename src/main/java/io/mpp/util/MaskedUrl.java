package io.mpp.util;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** URL text fit for a log line or an error message: whatever could be credentials is replaced by {@code ***}. */
public final class MaskedUrl {

    /** A scheme and the slashes after it, however many were written: what stays visible before the mask. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/*");

    private MaskedUrl() {
    }

    /**
     * The text with everything between its scheme (and slashes) and its last {@code @} replaced by {@code ***}.
     * Wider than a URL's user-info on purpose: a password with a {@code /}, {@code ?}, {@code #} or {@code @} in it
     * does not parse as one, so a parser's idea of where the authority ends cannot be trusted here. An {@code @} in a
     * path or query masks more than needed; that costs a less precise message, never a password.
     */
    public static String of(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        Matcher scheme = SCHEME.matcher(text);
        int start = scheme.lookingAt() && scheme.end() <= at ? scheme.end() : 0;
        return text.substring(0, start) + "***" + text.substring(at);
    }
}
