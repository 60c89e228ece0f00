package io.mpp.cli;

import java.util.Locale;

/**
 * One command-line flag of the {@code proxy} command and the config.yml variable it sets.
 *
 * @param name      the long form, {@code --endpoints-file}
 * @param shortName the short form ({@code -k}) or null
 * @param variable  the {@code MPP_*} variable config.yml reads, which the flag overrides
 * @param metavar   how help names the value
 * @param check     validation and normalisation of the value
 * @param isSwitch  a boolean flag: given alone it means true, {@code --flag=false} is accepted too
 * @param help      one line for --help
 */
public record Flag(String name, String shortName, String variable, String metavar, ValueCheck check,
        boolean isSwitch, String help) {

    static Flag option(String name, String variable, String metavar, ValueCheck check, String help) {
        return new Flag(name, null, variable, metavar, check, false, help);
    }

    static Flag option(String name, String shortName, String variable, String metavar, ValueCheck check,
            String help) {
        return new Flag(name, shortName, variable, metavar, check, false, help);
    }

    static Flag toggle(String name, String shortName, String variable, String help) {
        return new Flag(name, shortName, variable, null, ValueChecks.BOOLEAN, true, help);
    }

    /**
     * The flag a config.yml variable gets when no flag is declared for it: MPP_MAX_RETRIES -> --max-retries,
     * checked as {@link ValueChecks#forDerived} says, and described by the setting it fills (proxy.maxRetries).
     */
    static Flag derivedFrom(String variable, String defaultValue, String setting) {
        String name = "--" + variable.substring("MPP_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        return new Flag(name, null, variable, "VALUE", ValueChecks.forDerived(variable, defaultValue), false,
                "config.yml's " + setting);
    }

    String[] spellings() {
        return shortName == null ? new String[] {name} : new String[] {shortName, name};
    }
}
