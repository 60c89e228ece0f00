package io.mpp;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import net.sourceforge.argparse4j.inf.Namespace;

/** Dropwizard's {@code server} command, ending a failed start with one clear line instead of a stack trace. */
public final class MppServerCommand extends ServerCommand<MppConfiguration> {

    public MppServerCommand(Application<MppConfiguration> application) {
        super(application);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        cli.getStdErr().println(StartupFailure.describe(e));
    }
}
