package io.mpp;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import net.sourceforge.argparse4j.inf.Namespace;

/** Dropwizard's {@code check} command, naming a configuration's problem as a failed start does. */
public final class MppCheckCommand extends CheckCommand<MppConfiguration> {

    public MppCheckCommand(Application<MppConfiguration> application) {
        super(application);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        cli.getStdErr().println("mpp: " + StartupFailure.reason(e));
    }
}
