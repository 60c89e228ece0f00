package io.mpp.discovery.kubernetes;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.credentials.Authentication;
import io.mpp.util.PeerText;
import io.mpp.util.SmallFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Sends the token of a kubeconfig's {@code tokenFile} with every request, read from the file for each one: a
 * projected service account token is replaced in place, and one that is not there yet may be mounted later. The
 * client reads the file itself otherwise, but then logs a file it cannot read as an error with its stack trace at
 * every attempt, sends no token at all if the file was missing when it was built, and fails with a
 * NullPointerException if it went missing later. Here a file that cannot be read fails the request (a
 * {@link CredentialException} naming the file), which the locator and the watch report like any failed call.
 *
 * @param path as the kubeconfig names it, a relative one resolved against the kubeconfig's directory
 */
record TokenFile(Path path) implements Authentication, Interceptor {

    /** Far above any token (service account tokens are about 1 KiB); a file beyond it is not one. */
    static final int MAX_BYTES = 64 * 1024;

    @Override
    public void provide(ApiClient client) {
        client.setHttpClient(client.getHttpClient().newBuilder().addInterceptor(this).build());
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        return chain.proceed(chain.request().newBuilder().header("Authorization", "Bearer " + token()).build());
    }

    /** @throws CredentialException saying why the file holds no token to send, never what it holds */
    String token() throws CredentialException {
        byte[] bytes;
        try {
            // Not a FIFO, whose open() would wait for a writer out of any timeout's reach.
            bytes = SmallFile.read(path, MAX_BYTES);
        } catch (IOException e) {
            throw new CredentialException(this + " cannot be read: " + why(e), e);
        }
        // Stripped as client-go does: a file written by echo ends with a line break.
        String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new CredentialException(this + " is empty");
        }
        // OkHttp would refuse it with a message of its own; a file of two lines is not a token.
        if (!token.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new CredentialException(this + " does not hold a single token: it has a line break or another"
                    + " character an HTTP header cannot carry");
        }
        return token;
    }

    private String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e.getClass() == IOException.class) {
            return e.getMessage(); // SmallFile's: a directory, a FIFO, too large
        }
        // Says why, as the file system does, never what the file holds.
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + PeerText.oneLine(e.getMessage(),
                300));
    }

    /** How messages name it. */
    @Override
    public String toString() {
        return "the kubeconfig's tokenFile " + PeerText.oneLine(path.toString(), 200);
    }
}
