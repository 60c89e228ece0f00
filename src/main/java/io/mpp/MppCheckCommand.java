package io.mpp;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** Dropwizard's {@code check} command, naming a configuration's problem as a failed start does. */
public final class MppCheckCommand extends CheckCommand<MppConfiguration> {

    public MppCheckCommand(Application<MppConfiguration> application) {
        super(application);
    }

    /**
     * Required: without a file Dropwizard builds mpp's configuration from its defaults by a detour through JSON that
     * mpp's duration settings do not survive, and the error said so instead of asking for the file.
     */
    @Override
    protected Argument addFileArgument(Subparser subparser) {
        return subparser.addArgument("file").help("configuration file, e.g. config.yml");
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        cli.getStdErr().println("mpp: " + StartupFailure.reason(e));
    }
}
