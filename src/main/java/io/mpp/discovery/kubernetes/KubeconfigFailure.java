package io.mpp.discovery.kubernetes;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Says why a kubeconfig cannot be used without quoting it: the file holds tokens and keys, and the parsers' own
 * messages quote the lines around a mistake (SnakeYAML) or the values they could not read.
 */
final class KubeconfigFailure {

    /**
     * SnakeYAML's problem texts known to quote nothing of the file, whole. Any other text is left out, so a message
     * that a new version words differently costs a less precise message, never a token.
     */
    private static final List<Pattern> KNOWN = Stream.of(
            "found unexpected end of stream", "found unexpected document separator",
            "mapping values are not allowed here", "mapping keys are not allowed here",
            "sequence entries are not allowed here", "could not find expected ':'",
            "expected indentation indicator in the range 1-9, but found 0", "found duplicate YAML directive",
            "found incompatible YAML document \\(version 1\\.\\* is required\\)", "found unacceptable key",
            "found unconstructable recursive node", "Expected mapping node or an anchor referencing mapping",
            "expected a single document in the stream", "but found another document",
            "Nesting Depth exceeded max \\d+", "Number of aliases for non-scalar nodes exceeds the specified max=\\d+",
            "The incoming YAML document exceeds the limit: \\d+ code points\\.",
            // The parser names the token it found, one of a fixed set: <block end>, <scalar>, '-', '}' and the like.
            "expected (?:'<document start>'|<block end>|',' or '[]}]'|the node content), but (?:found|got)"
                    + " '?(?:<[a-z ]{3,25}>|[-?:,{}\\[\\]#])'?",
            // One character tells where the mistake is, not what the file holds.
            "found character '(?:[^']|\\\\t\\(TAB\\))' that cannot start any token\\."
                    + " \\(Do not use (?:.|\\\\t\\(TAB\\)) for indentation\\)",
            "while (?:scanning|parsing|constructing) an? [a-zA-Z -]{1,30}")
            .map(Pattern::compile).toList();

    /**
     * Problem texts that end with what the parser stumbled on (an alias, a tag, a character of the file), which may
     * be a token: only their first group is kept.
     */
    private static final List<Pattern> KNOWN_START = Stream.of(
            "(found undefined alias) .*", "(found undefined tag handle) .*", "(duplicate tag handle) .*",
            "(could not determine a constructor for the tag) .*", "(Global tag is not allowed): .*",
            "(found unknown escape character) .*", "(unexpected character found) .*", "(Keys must be scalars) but .*",
            "(expected (?:chomping or indentation indicators|a digit(?: or '[ .]')?|'[!> ]'|alphabetic or numeric"
                    + " character|a comment or a line break|URI(?: escape sequence of 2 hexadecimal numbers)?"
                    + "|escape sequence of \\d+ hexadecimal numbers)), but found.*",
            "(expected a mapping (?:or list of mappings )?for merging), but found .*")
            .map(known -> Pattern.compile(known, Pattern.DOTALL)).toList();

    private KubeconfigFailure() {
    }

    /** What went wrong reading or using the kubeconfig {@code file}, for a message that already names it. */
    static String describe(Path file, Exception e) {
        if (Files.isDirectory(file)) {
            return "it is a directory, not a file"; // the reader fails only once read, as a YAMLException
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() == null || Path.of(missing.getFile()).equals(file) ? "no such file"
                    : "a file it names does not exist: " + missing.getFile();
        }
        if (e instanceof FileSystemException fs) {
            // Says which file and why (e.g. permission denied), never what is in it.
            return fs.getClass().getSimpleName() + ": " + fs.getMessage();
        }
        if (e instanceof MarkedYAMLException yaml) {
            String problem = known(yaml.getProblem());
            String context = known(yaml.getContext());
            return "it is not valid YAML" + at(yaml.getProblemMark()) + (problem == null ? "" : ": " + problem)
                    + (context == null ? "" : " (" + context + at(yaml.getContextMark()) + ")");
        }
        if (e instanceof YAMLException) {
            return "it is not valid YAML (" + e.getClass().getSimpleName() + ")";
        }
        String what = chain(e).anyMatch(GeneralSecurityException.class::isInstance)
                ? "a certificate or key in it cannot be read" : "its content is not a kubeconfig the client can use";
        return what + " (" + causes(e) + "); check it with kubectl --kubeconfig " + file + " config view";
    }

    /**
     * The parser's text when it is one known to quote nothing of the file, or its known start when it ends with a
     * word of the file (which may be a token); null for any other text.
     */
    static String known(String problem) {
        if (problem == null) {
            return null;
        }
        String text = problem.strip();
        for (Pattern start : KNOWN_START) {
            Matcher m = start.matcher(text);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return KNOWN.stream().anyMatch(p -> p.matcher(text).matches()) ? text : null;
    }

    /** The kinds of the exception and its causes, e.g. {@code RuntimeException: CertificateException}. */
    private static String causes(Throwable e) {
        return chain(e).map(t -> t.getClass().getSimpleName()).distinct().collect(Collectors.joining(": "));
    }

    private static Stream<Throwable> chain(Throwable e) {
        return Stream.iterate(e, Objects::nonNull, Throwable::getCause).limit(10);
    }

    private static String at(Mark mark) {
        return mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
