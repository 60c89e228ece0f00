package io.mpp.discovery;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.core.setup.Environment;
import java.nio.file.Path;

/** {@code type: file}: backends listed one per line in a file ({@code MPP_ENDPOINTS_FILE}). */
@JsonTypeName("file")
public class FileLocatorFactory implements LocatorFactory {

    @JsonProperty
    private String path = "";

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path == null ? "" : path.trim();
    }

    @Override
    public boolean isEnabled() {
        return !path.isEmpty();
    }

    @Override
    public Locator build(Environment environment, Runnable reselect) {
        return new FileLocator(Path.of(path));
    }
}
