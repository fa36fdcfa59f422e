package io.glyphd.store.cli;

import io.glyphd.store.ListingStore;
import io.glyphd.store.PruneResult;
import io.glyphd.store.RetentionPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** {@code glyphd-store prune}: removes old imports by a retention policy. */
@Command(name = "prune", description = {"Removes the imports that --keep and --max-age do not keep, each with its"
            + " listings in a transaction of its own, oldest first. An import is removed only if no rule given keeps"
            + " it: with both, it is kept if it is among the newest N of its source or younger than the age.",
    "Imports without a source count as one source. Use --dry-run first to see what would go.",
    "A SQLite file keeps its size (the space is reused by later imports); 'glyphd-store compact' gives it back."})
final class PruneCommand extends StoreCommand {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([dhms])");

    @Option(names = "--keep", paramLabel = "N", description = "Keep the newest N imports of each source (N >= 1).")
    Integer keep;

    @Option(names = "--max-age", paramLabel = "AGE", converter = AgeConverter.class,
            description = "Keep every import imported within AGE, e.g. 30d, 12h, 90m, or ISO-8601 such as P30D.")
    Duration maxAge;

    @Option(names = "--dry-run", description = "Remove nothing; list what would be removed.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (keep == null && maxAge == null) {
            throw new ParameterException(spec.commandLine(), "prune needs --keep N or --max-age AGE (or both)");
        }
        RetentionPolicy policy;
        try {
            policy = new RetentionPolicy(keep, maxAge);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (keep != null && keep < 1 ? "--keep" : "--max-age")
                    + ": " + e.getMessage());
        }
        PruneResult result;
        try (ListingStore store = dryRun ? openExistingStore() : openStoreToChange()) {
            result = store.prune(policy, dryRun);
        }
        if (result.imports().isEmpty()) {
            out().println("Nothing to prune in " + location() + ": every import is kept");
            return 0;
        }
        out().println((dryRun ? "Would remove " : "Removed ") + result.imports().size() + " imports ("
                + result.listings() + " listings) from " + location() + (dryRun ? " (dry run: nothing was removed):"
                        : ":"));
        printImports(result.imports(), out());
        if (!dryRun && location() instanceof StoreLocation.SqliteFile) {
            out().println("The file keeps its size; 'glyphd-store compact' gives the space back.");
        }
        return 0;
    }

    /** Reads 30d, 12h, 90m, 45s or an ISO-8601 duration. */
    static final class AgeConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = SHORT.matcher(value);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not an age; use e.g. 30d, 12h, 90m, 45s or"
                        + " ISO-8601 such as P30D");
            }
        }
    }
}
