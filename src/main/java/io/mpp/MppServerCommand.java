package io.mpp;

import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** Dropwizard's {@code server} command, ending a failed start with one clear line instead of a stack trace. */
public final class MppServerCommand extends ServerCommand<MppConfiguration> {

    public MppServerCommand(Application<MppConfiguration> application) {
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
        cli.getStdErr().println(StartupFailure.describe(e));
    }
}
