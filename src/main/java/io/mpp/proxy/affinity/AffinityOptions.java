package io.mpp.proxy.affinity;

import java.util.List;
import java.util.Locale;

/**
 * Which kinds of affinity are on ({@code MPP_AFFINITY_OPTIONS}): a comma list of {@code cookies}, {@code sourceip};
 * {@code none} or an empty list turns affinity off.
 */
public record AffinityOptions(boolean cookies, boolean sourceIp) {

    public static final AffinityOptions NONE = new AffinityOptions(false, false);

    static final String ACCEPTED = "accepted: a comma list of cookies, sourceip; or none (or empty) for no affinity";

    /**
     * @throws IllegalArgumentException naming the wrong option and the accepted ones
     */
    public static AffinityOptions parse(String text) {
        boolean cookies = false;
        boolean sourceIp = false;
        boolean none = false;
        int named = 0;
        for (String part : (text == null ? "" : text).split(",")) {
            String option = part.strip().toLowerCase(Locale.ROOT);
            switch (option) {
                case "" -> {
                    continue;
                }
                case "cookies" -> cookies = true;
                case "sourceip" -> sourceIp = true;
                case "none" -> none = true;
                default -> throw new IllegalArgumentException("unknown affinity option '" + part.strip() + "'; "
                        + ACCEPTED);
            }
            named++;
        }
        if (none && named > 1) {
            throw new IllegalArgumentException("'none' cannot be combined with other affinity options in '"
                    + text.strip() + "'; " + ACCEPTED);
        }
        return new AffinityOptions(cookies, sourceIp);
    }

    public boolean any() {
        return cookies || sourceIp;
    }

    /** The options that are on, in the order they are consulted; empty when affinity is off. */
    public List<String> names() {
        return cookies && sourceIp ? List.of("cookies", "sourceip")
                : cookies ? List.of("cookies") : sourceIp ? List.of("sourceip") : List.of();
    }

    /** As the status page and logs show it: {@code cookies,sourceip}, or {@code none}. */
    public String describe() {
        return any() ? String.join(",", names()) : "none";
    }
}
