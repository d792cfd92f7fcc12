package io.geokv.cli;

import java.net.URI;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code geokv}: the command line of a geokv deployment, a client of its gateway's HTTP API
 * (docs/cli.md). Errors are one line on standard error and a non-zero exit code.
 */
@Command(
        name = "geokv",
        mixinStandardHelpOptions = true,
        version = "geokv 0.1.0",
        description = "Work with a geokv deployment through its gateway.",
        subcommands = {LoadCommand.class})
public final class GeokvCommand {

    @Option(
            names = "--url",
            defaultValue = "${env:GEOKV_URL:-http://localhost:8009}",
            description = "the gateway (env GEOKV_URL; default ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--key",
            defaultValue = "${env:GEOKV_KEY}",
            description = "the API key or JWT sent as 'Authorization: Bearer' (env GEOKV_KEY)")
    String key;

    @Option(names = "--tenant", description = "the tenant to act for (X-Tenant; default: the credential's)")
    String tenant;

    @Option(names = "--region", description = "the region to serve the requests (X-Region; default: geo-routing)")
    String region;

    GatewayClient gateway() {
        return new GatewayClient(url, key, tenant, region);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with geokv's error handling: a failure is one line, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new GeokvCommand());
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("geokv: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return commandLine;
    }
}
