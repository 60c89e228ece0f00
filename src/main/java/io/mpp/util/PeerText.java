package io.mpp.util;

/**
 * Text that a peer wrote (a backend's error, Marathon's message, a line of the endpoints file), fit for one log line
 * and a status page: a line break in it would let the peer write log lines of its own, so control characters and line
 * separators become spaces, runs of white space one space, and the text is clipped.
 */
public final class PeerText {

    private PeerText() {
    }

    /** The text on one line, at most {@code max} characters of it, then "..." when there was more. */
    public static String oneLine(String text, int max) {
        StringBuilder line = new StringBuilder(Math.min(text.length(), max + 1));
        boolean space = false;
        for (int i = 0; i < text.length() && line.length() <= max; i++) {
            char c = text.charAt(i);
            boolean blank = Character.isWhitespace(c) || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    || c == '\u0085';
            if (blank) {
                space = line.length() > 0;
            } else {
                if (space) {
                    line.append(' ');
                    space = false;
                }
                line.append(c);
            }
        }
        return line.length() <= max ? line.toString() : line.substring(0, max) + "...";
    }
}
