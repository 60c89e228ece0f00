package io.mpp.cli;

import java.util.Map;
import net.sourceforge.argparse4j.helper.HelpScreenException;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.ArgumentAction;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;

/**
 * {@code proxy --version}: prints the version the jar's manifest carries. Unlike argparse4j's own version action
 * it does not call System.exit, so Dropwizard ends the command normally.
 */
final class VersionAction implements ArgumentAction {

    static String version() {
        String version = io.mpp.util.BuildVersion.orNull();
        return "mpp " + (version == null ? "(unknown version: not run from the packaged jar)" : version);
    }

    @Override
    public void run(ArgumentParser parser, Argument arg, Map<String, Object> attrs, String flag, Object value)
            throws ArgumentParserException {
        System.out.println(version());
        System.out.flush();
        throw new HelpScreenException(parser);
    }

    @Override
    public void onAttach(Argument arg) {
        // nothing to prepare
    }

    @Override
    public boolean consumeArgument() {
        return false;
    }
}
