package io.mpp.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The original's single-dash spellings of long flags. Go's flag package, which the original's command line is built
 * on, reads {@code -port 9090} and {@code -port=9090} as it reads {@code --port 9090}; argparse4j takes
 * {@code -port} for a cluster of short flags and refuses it. Before parsing, {@code -<long name>[=value]} becomes
 * {@code --<long name>[=value]}, for the proxy command's own long names only, so short flags ({@code -k},
 * {@code -V}, {@code -v}) keep their meaning and anything unknown is still refused by name. A value that starts with
 * '-' after a long flag is joined to it ({@code --affinity-key=-k3y}): Go takes the next argument as the value
 * whatever it is, argparse4j would take it for a flag. An unknown single-dash name of more than one letter is refused
 * by name, as {@code --<name>}, and never read as a cluster of short flags ({@code -kube-context} is not {@code -k}).
 */
public final class GoFlagSpellings {

    private GoFlagSpellings() {
    }

    /**
     * The command line with the proxy command's single-dash long flags spelled with two dashes; other command lines
     * as they are.
     */
    public static String[] rewrite(String[] args) {
        if (args.length == 0 || !args[0].equals("proxy")) {
            return args;
        }
        return rewrite(args, ProxyFlags.all(ConfigVariables.bundled()));
    }

    /** @param args a command line whose first element is the command's name */
    static String[] rewrite(String[] args, List<Flag> flags) {
        // name -> whether the flag takes a value that may come as the next argument
        Map<String, Boolean> takesValue = new HashMap<>();
        for (Flag flag : flags) {
            takesValue.put(flag.name().substring(2), !flag.isSwitch());
        }
        takesValue.put("help", false);
        takesValue.put("version", false);

        List<String> out = new ArrayList<>(args.length);
        out.add(args[0]);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                out.addAll(List.of(args).subList(i, args.length));
                break;
            }
            int equals = arg.indexOf('=');
            String name = arg.substring(arg.startsWith("--") ? 2 : 1, equals < 0 ? arg.length() : equals);
            if (!arg.startsWith("-") || !takesValue.containsKey(name)) {
                // Go never clusters short flags: argparse4j would read -kube-context as -k with "ube-context".
                boolean unknownSingleDash = arg.startsWith("-") && !arg.startsWith("--") && name.length() > 1;
                out.add(unknownSingleDash ? "-" + arg : arg);
                continue;
            }
            String flag = "--" + name;
            if (equals >= 0 || !takesValue.get(name) || i + 1 == args.length) {
                out.add(flag + (equals < 0 ? "" : arg.substring(equals)));
            } else {
                // The value is never taken for a flag, whatever it looks like (a key may start with '-').
                String value = args[++i];
                out.addAll(value.startsWith("-") ? List.of(flag + "=" + value) : List.of(flag, value));
            }
        }
        return out.toArray(String[]::new);
    }
}
