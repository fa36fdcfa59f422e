package io.glyphd.store.internal;

import io.glyphd.store.ImportResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Records a store's work into a Micrometer {@link MeterRegistry}, every meter tagged {@code store=<name>}:
 * <ul>
 *   <li>{@code glyphd.store.operations} (timer, tags {@code operation}, {@code outcome} success or failure): every
 *       call of the store, imports included;</li>
 *   <li>{@code glyphd.store.failures} (counter, tags {@code operation}, {@code kind}): failures by kind, e.g.
 *       {@code lock_timeout}, {@code disk_full}, {@code invalid_input};</li>
 *   <li>{@code glyphd.store.import.rows} and {@code glyphd.store.import.replaced} (distribution summaries, rows):
 *       rows each committed import wrote, and rows of an earlier version it replaced;</li>
 *   <li>{@code glyphd.store.lock.wait} (timer): how long writes waited for another writer's lock;</li>
 *   <li>{@code glyphd.store.retries} (counter, tag {@code reason}): units of work run again;</li>
 *   <li>{@code glyphd.store.connections.active} and {@code glyphd.store.connections.pending} (gauges): connections
 *       lent to operations now, and operations waiting for one.</li>
 * </ul>
 * A call refused for its arguments before it does any work (a null, a bad page token) is not recorded; a listing
 * refused in the middle of an import is, as an {@code invalid_input} failure of {@code import}. Loaded only when a
 * registry is given, so Micrometer stays an optional dependency.
 */
public final class MicrometerMetrics implements StoreMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<StoreMetrics.Operation, Timer> succeeded = new EnumMap<>(StoreMetrics.Operation.class);
    private final Map<StoreMetrics.Operation, Timer> failedTimers = new EnumMap<>(StoreMetrics.Operation.class);
    private final DistributionSummary rows;
    private final DistributionSummary replaced;
    private final Timer lockWait;
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();

    /**
     * Checks a builder's {@code metrics(registry, name)} option and returns what creates the store's meters when it
     * opens; both builders take the option through here.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Supplier<StoreMetrics> option(MeterRegistry registry, String name) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("metrics name must not be blank");
        }
        return () -> new MicrometerMetrics(registry, name);
    }

    /**
     * Creates the meters in {@code registry}.
     *
     * @param name the value of every meter's {@code store} tag, to tell stores in one registry apart
     * @throws IllegalArgumentException if an open store already records into {@code registry} as {@code name}:
     *         the two would share their meters, and the connection gauges would show only the first store's
     */
    public MicrometerMetrics(MeterRegistry registry, String name) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (registry.find("glyphd.store.connections.active").tag("store", name).gauge() != null) {
            throw new IllegalArgumentException("metrics name '" + name + "' is already used by an open store in"
                    + " this registry; give each open store its own name");
        }
        this.tags = Tags.of("store", name);
        for (StoreMetrics.Operation operation : StoreMetrics.Operation.values()) {
            succeeded.put(operation, operationTimer(operation, "success"));
            failedTimers.put(operation, operationTimer(operation, "failure"));
        }
        this.rows = DistributionSummary.builder("glyphd.store.import.rows").baseUnit("rows").tags(tags)
                .description("Rows each committed import wrote").register(registry);
        this.replaced = DistributionSummary.builder("glyphd.store.import.replaced").baseUnit("rows").tags(tags)
                .description("Rows of an earlier version of the import that each committed import replaced")
                .register(registry);
        this.lockWait = Timer.builder("glyphd.store.lock.wait").tags(tags)
                .description("Time writes waited for another writer's lock").register(registry);
    }

    private Timer operationTimer(StoreMetrics.Operation operation, String outcome) {
        return Timer.builder("glyphd.store.operations").tags(tags).tag("operation", operation.tag())
                .tag("outcome", outcome).description("Calls of the store, by operation and outcome")
                .register(registry);
    }

    @Override
    public void completed(StoreMetrics.Operation kind, long nanos) {
        succeeded.get(kind).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void imported(ImportResult result) {
        rows.record(result.recordCount());
        replaced.record(result.rowsReplaced());
    }

    @Override
    public void failed(StoreMetrics.Operation kind, StoreMetrics.FailureKind failure, long nanos) {
        failedTimers.get(kind).record(nanos, TimeUnit.NANOSECONDS);
        Counter.builder("glyphd.store.failures").tags(tags).tag("operation", kind.tag()).tag("kind", failure.tag())
                .description("Failed calls of the store, by operation and kind of failure").register(registry)
                .increment();
    }

    @Override
    public void lockWaited(long nanos) {
        lockWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retried(StoreMetrics.FailureKind reason) {
        Counter.builder("glyphd.store.retries").tags(tags).tag("reason", reason.tag())
                .description("Units of work run again after a failure that may pass").register(registry).increment();
    }

    @Override
    public void connections(IntSupplier inUse, IntSupplier waiting) {
        // Strong references: the suppliers are lambdas nothing else holds. close() removes the gauges.
        gauges.add(Gauge.builder("glyphd.store.connections.active", inUse, IntSupplier::getAsInt).tags(tags)
                .strongReference(true).description("Connections lent to the store's operations now")
                .register(registry));
        gauges.add(Gauge.builder("glyphd.store.connections.pending", waiting, IntSupplier::getAsInt).tags(tags)
                .strongReference(true).description("The store's operations waiting for a connection")
                .register(registry));
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }
}
