package io.mpp.util;

/** The version the packaged jar's manifest carries. */
public final class BuildVersion {

    private BuildVersion() {
    }

    /** The version, or null when not run from the packaged jar (e.g. from the IDE or the tests). */
    public static String orNull() {
        return BuildVersion.class.getPackage().getImplementationVersion();
    }

    /** The version, or {@code unknown} when not run from the packaged jar. */
    public static String get() {
        String version = orNull();
        return version == null ? "unknown" : version;
    }
}
