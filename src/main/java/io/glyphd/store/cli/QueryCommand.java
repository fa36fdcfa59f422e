package io.glyphd.store.cli;

import io.glyphd.store.Listing;
import io.glyphd.store.ListingQuery;
import io.glyphd.store.ListingStore;
import io.glyphd.store.io.ListingFormat;
import io.glyphd.store.io.ListingWriter;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** {@code glyphd-store query}: prints the listings that match filters, as a table, JSON or CSV. */
@Command(name = "query", description = {"Prints the listings that match all the given filters.",
    "Text filters (model, region, condition, generation, form factor, seller, source type, availability) match"
            + " exactly, ignoring case; the source URL matches exactly; bounds are inclusive."})
final class QueryCommand extends StoreCommand {
    @Mixin
    FilterOptions filters = new FilterOptions();

    @Option(names = "--order", paramLabel = "ORDER", converter = OrderConverter.class, defaultValue = "score",
            description = "score (best first, the default), price (cheapest first), price-desc, seen (latest first)"
                    + " or import (import order).")
    ListingQuery.Order order;

    @Option(names = "--limit", paramLabel = "N", description = "Most listings to print, 1 to " + ListingQuery.MAX_LIMIT
            + " (default: " + ListingQuery.DEFAULT_LIMIT + ").")
    Integer limit;

    @Option(names = "--offset", paramLabel = "N", description = "Listings to skip first (default: 0).")
    Long offset;

    @Option(names = "--all", description = "Print every matching listing, read page by page from one snapshot of"
            + " the store: an import committed meanwhile is printed whole or not at all"
            + " (not with --limit or --offset).")
    boolean all;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "Output format (default: table). CSV and JSON import back unchanged.")
    OutputFormat format;

    @Override
    public Integer call() {
        if (all && (limit != null || offset != null)) {
            throw new ParameterException(spec.commandLine(), "--all cannot be combined with --limit or --offset");
        }
        ListingQuery query;
        try {
            query = filters.toQuery().orderBy(order)
                    .limit(all ? ListingQuery.MAX_LIMIT : limit == null ? ListingQuery.DEFAULT_LIMIT : limit)
                    .offset(offset == null ? 0 : offset).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid query: " + e.getMessage());
        }
        try (ListingStore store = openExistingStore()) {
            if (format == OutputFormat.TABLE) {
                printTable(store, query);
            } else {
                export(store, query, format == OutputFormat.CSV ? ListingFormat.CSV : ListingFormat.JSON);
            }
        }
        return 0;
    }

    private void printTable(ListingStore store, ListingQuery query) {
        boolean offers = query.distinctOffers();
        Table table = offers ? new Table("SCORE", "MODEL", "PRICE", "VRAM_GB", "AVAILABILITY", "REGION", "IMPORT",
                "ROW", "ROWS", "TITLE").alignRight(0, 2, 3, 7, 8)
                : new Table("SCORE", "MODEL", "PRICE", "VRAM_GB", "AVAILABILITY", "REGION", "IMPORT", "ROW",
                        "TITLE").alignRight(0, 2, 3, 7);
        long shown = forEach(store, query, l -> {
            if (offers) {
                table.row(score(l.score()), l.canonicalModel(), price(l.price()), l.vramGb(), l.availability(),
                        l.region(), l.importId(), l.importIndex(), l.offerRows(), l.title());
            } else {
                table.row(score(l.score()), l.canonicalModel(), price(l.price()), l.vramGb(), l.availability(),
                        l.region(), l.importId(), l.importIndex(), l.title());
            }
        });
        if (shown == 0) {
            err().println(offers ? "No offers match." : "No listings match.");
            return;
        }
        table.print(out());
        // With --all the stream read every match in one snapshot; a separate count could see a later store.
        long matching = all ? shown : store.countListings(query);
        err().println((offers ? "Offers " : "Listings ") + (query.offset() + 1) + "-" + (query.offset() + shown)
                + " of " + matching + " matching.");
    }

    /** Writes the matching listings as they are read, so {@code --all} never holds more than one page. */
    private void export(ListingStore store, ListingQuery query, ListingFormat listingFormat) {
        PrintWriter out = out();
        try (ListingWriter writer = ListingWriter.open(out, listingFormat)) {
            forEach(store, query, writer::write);
        }
        if (listingFormat == ListingFormat.JSON) {
            out.println();
        }
    }

    /**
     * Hands {@code action} the query's one page or, with {@code --all}, every match through
     * {@link ListingStore#streamListings} (keyset pages: each costs the same however deep, no listing is skipped or
     * repeated when the order has ties, and all pages come from one snapshot, so an import committed meanwhile is in
     * the output whole or not at all), stopping early if stdout has failed. Returns how many listings it handed over.
     */
    private long forEach(ListingStore store, ListingQuery query, Consumer<Listing> action) {
        if (!all) {
            List<Listing> page = store.queryListings(query);
            page.forEach(action);
            return page.size();
        }
        long count = 0;
        try (Stream<Listing> listings = store.streamListings(query)) {
            Iterator<Listing> it = listings.iterator();
            while (it.hasNext() && !out().checkError()) {
                action.accept(it.next());
                count++;
            }
        }
        return count;
    }

    /** Converts {@code score}, {@code price}, {@code price-desc}, {@code seen} and {@code import}. */
    static final class OrderConverter implements ITypeConverter<ListingQuery.Order> {
        @Override
        public ListingQuery.Order convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "score" -> ListingQuery.Order.SCORE_DESC;
                case "price" -> ListingQuery.Order.PRICE_ASC;
                case "price-desc" -> ListingQuery.Order.PRICE_DESC;
                case "seen" -> ListingQuery.Order.SEEN_AT_DESC;
                case "import" -> ListingQuery.Order.IMPORT_ORDER;
                default -> throw new TypeConversionException("'" + value
                        + "' is not an order; expected score, price, price-desc, seen or import");
            };
        }
    }

    /** Converts an ISO-8601 time with a zone offset ({@code Z} or {@code +02:00}), or a date (midnight UTC). */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value
                        + "' is not an ISO-8601 time; expected e.g. 2025-07-29, 2025-07-29T12:00:00Z"
                        + " or 2025-07-29T14:00:00+02:00");
            }
        }
    }
}
