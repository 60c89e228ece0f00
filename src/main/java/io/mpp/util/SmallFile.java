package io.mpp.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file mpp reads whole (a secret, CA certificates, a token): a regular one of bounded size. A FIFO would block the
 * read without any bound of mpp's, a device would never end, and a large file is not what the setting names.
 */
public final class SmallFile {

    private SmallFile() {
    }

    /**
     * @throws IOException the file system's, or one whose message says why in a few words ("not a regular file",
     *                     "larger than 1 MiB"), for a message that names the file and the setting
     */
    public static byte[] read(Path path, int maxBytes) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IOException(Files.isDirectory(path) ? "it is a directory" : "not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new IOException("larger than " + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB"
                    : (maxBytes >> 10) + " KiB"));
        }
        return bytes;
    }

    /** The reason of a failed {@link #read}, short: the file system's kind of failure, or the message above. */
    public static String why(IOException e) {
        return e.getClass() == IOException.class ? e.getMessage() : e.getClass().getSimpleName();
    }
}
