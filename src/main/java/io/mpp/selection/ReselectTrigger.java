package io.mpp.selection;

/**
 * Lets parts built before the {@link Selector} (locators that watch for changes) ask it for a prompt reselection.
 */
public final class ReselectTrigger implements Runnable {

    private volatile Runnable target = () -> { };

    public void bind(Selector selector) {
        this.target = selector::reselectSoon;
    }

    @Override
    public void run() {
        target.run();
    }
}
