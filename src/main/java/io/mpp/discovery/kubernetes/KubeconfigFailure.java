package io.mpp.discovery.kubernetes;

import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;
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

    private static final Pattern QUOTES_A_WORD = Pattern.compile(
            "(undefined alias|undefined tag handle|duplicate key|unknown escape character|tag handle)\\b.*");
    private static final Pattern QUOTED = Pattern.compile("'[^']{2,}'");

    private KubeconfigFailure() {
    }

    /** What went wrong reading or using the kubeconfig {@code file}, for a message that already names it. */
    static String describe(Path file, Exception e) {
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() == null || Path.of(missing.getFile()).equals(file) ? "no such file"
                    : "a file it names does not exist: " + missing.getFile();
        }
        if (e instanceof FileSystemException fs) {
            // Says which file and why (e.g. permission denied), never what is in it.
            return fs.getClass().getSimpleName() + ": " + fs.getMessage();
        }
        if (e instanceof MarkedYAMLException yaml) {
            String context = yaml.getContext() == null ? ""
                    : " (" + redacted(yaml.getContext()) + at(yaml.getContextMark()) + ")";
            return "it is not valid YAML" + at(yaml.getProblemMark()) + ": " + redacted(yaml.getProblem()) + context;
        }
        if (e instanceof YAMLException) {
            return "it is not valid YAML (" + e.getClass().getSimpleName() + ")";
        }
        String what = chain(e).anyMatch(GeneralSecurityException.class::isInstance)
                ? "a certificate or key in it cannot be read" : "its content is not a kubeconfig the client can use";
        return what + " (" + causes(e) + "); check it with kubectl --kubeconfig " + file + " config view";
    }

    /**
     * The parser's words without the file's: some of its problems end with the word they stumbled on (an alias, a tag
     * handle, a key), which may be a token, and any quoted text of more than one character goes too.
     */
    static String redacted(String problem) {
        return QUOTED.matcher(QUOTES_A_WORD.matcher(problem).replaceAll("$1")).replaceAll("'...'");
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
