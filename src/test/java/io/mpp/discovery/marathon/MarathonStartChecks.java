package io.mpp.discovery.marathon;

/**
 * The checks {@link MarathonLocatorFactory} makes on its settings when it builds, open to tests of other packages:
 * the deploy tests judge a rendered app by what mpp refuses at start, and these two are package-private.
 */
public final class MarathonStartChecks {

    private MarathonStartChecks() {
    }

    /** MPP_MARATHON_URL, as the locator reads it. @throws IllegalArgumentException as mpp does at start */
    public static void urls(String text) {
        MarathonLocatorFactory.masters(text);
    }

    /** MPP_MARATHON_APPS, as the locator reads it. @throws IllegalArgumentException as mpp does at start */
    public static void apps(String text) {
        MarathonLocatorFactory.appIds(text);
    }
}
