package io.mpp.util;

/** URL text fit for a log line or an error message: whatever could be credentials is replaced by {@code ***}. */
public final class MaskedUrl {

    private MaskedUrl() {
    }

    /**
     * The text with everything from {@code //} to the last {@code @} before any query replaced by {@code ***}.
     * Wider than a URL's user-info on purpose: a password with a {@code /} or {@code @} in it does not parse as one.
     */
    public static String of(String text) {
        int start = text.indexOf("//");
        if (start < 0) {
            return text;
        }
        int end = text.length();
        for (char c : new char[] {'?', '#'}) {
            int at = text.indexOf(c, start);
            end = at < 0 ? end : Math.min(end, at);
        }
        int at = text.lastIndexOf('@', end - 1);
        return at < start ? text : text.substring(0, start + 2) + "***" + text.substring(at);
    }
}
