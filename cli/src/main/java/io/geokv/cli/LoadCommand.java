package io.geokv.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code geokv load <file>}: a JSON-lines file of writes, through {@code POST /kv/_batch}. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Load a JSON-lines file of writes, one per line: {\"key\": \"k\", \"value\": \"v\"}, with optional"
                    + " value_encoding (base64), content_type, context, ttl (seconds), or {\"key\": \"k\", \"delete\": true}.",
            "Not atomic: each write succeeds or fails on its own. Exit code 0 when every write succeeded,"
                    + " 1 when some failed (listed, or written to --failures), 2 for bad usage."
        })
final class LoadCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    GeokvCommand geokv;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the JSON-lines file")
    Path file;

    @Option(names = "--batch-size", defaultValue = "500", description = "writes per request (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--concurrency", defaultValue = "4", description = "requests in flight (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--consistency", description = "eventual (the default), session or strong")
    String consistency;

    @Option(names = "--failures", paramLabel = "FILE", description = "write the failed writes here, as JSON lines")
    Path failuresFile;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--batch-size and --concurrency are at least 1");
        }
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BatchLoader loader =
                new BatchLoader(geokv.gateway(), batchSize, concurrency, consistency, Duration.ofMinutes(2));
        BatchLoader.Summary summary;
        try (BufferedReader input = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                ProgressBar bar = noProgress ? null : progressBar(lines(file))) {
            LongConsumer done = bar == null ? count -> {} : bar::stepTo;
            summary = loader.load(input, done);
        }
        out.printf(
                "loaded %s: %d writes in %.1f s (%.0f/s), %d succeeded, %d failed%n",
                file,
                summary.writes(),
                summary.took().toMillis() / 1000.0,
                summary.perSecond(),
                summary.succeeded(),
                summary.failures().size());
        if (summary.failures().isEmpty()) {
            return 0;
        }
        if (failuresFile != null) {
            try (BufferedWriter writer = Files.newBufferedWriter(failuresFile, StandardCharsets.UTF_8)) {
                for (BatchLoader.Failure failure : summary.failures()) {
                    writer.write(JSON.writeValueAsString(failure));
                    writer.newLine();
                }
            }
            err.println("geokv: " + summary.failures().size() + " writes failed, listed in " + failuresFile);
        } else {
            summary.failures().stream()
                    .limit(10)
                    .forEach(failure -> err.printf(
                            "geokv: line %d (key %s): %d %s: %s%n",
                            failure.line(), failure.key(), failure.status(), failure.type(), failure.detail()));
            if (summary.failures().size() > 10) {
                err.println("geokv: and " + (summary.failures().size() - 10) + " more; --failures FILE lists them all");
            }
        }
        return 1;
    }

    private static long lines(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> !line.isBlank()).count();
        }
    }

    private static ProgressBar progressBar(long writes) {
        return new ProgressBarBuilder()
                .setTaskName("loading")
                .setInitialMax(writes)
                .setUnit(" writes", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .build();
    }
}
