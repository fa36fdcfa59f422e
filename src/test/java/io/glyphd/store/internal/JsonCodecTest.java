package io.glyphd.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    @Test
    void normalisedMapsEqualWhatReadsBack() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("long", 5L);
        value.put("decimal", new BigDecimal("0.25"));
        value.put("nested", Map.of("list", List.of(1, "two")));
        value.put("null", null);

        Map<String, Object> normal = JsonCodec.normalizeObject("heuristics", value, "RTX_4090");

        assertThat(normal).isEqualTo(JsonCodec.readObject(JsonCodec.writeObject(normal)));
        assertThat(normal.get("long")).isEqualTo(5);
        assertThat(normal.get("decimal")).isEqualTo(0.25);
        assertThat(normal).containsEntry("null", null);
    }

    @Test
    void aFlatMapIsKeptAsItReadsBackWithoutParsingItsText() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "SKU: 1, \"Vendor\": é");
        value.put("flag", true);
        value.put("int", -7);
        value.put("big", 1L << 40);
        value.put("small long", 3L);
        value.put("double", 1.0e-7);
        value.put("whole double", 2.0);
        value.put("null", null);

        Map<String, Object> normal = JsonCodec.normalizeObject("heuristics", value, "RTX_4090");
        Map<String, Object> parsed = JsonCodec.readObject(JsonCodec.writeObject(value));

        assertThat(normal).isEqualTo(parsed).containsOnlyKeys(value.keySet());
        assertThat(List.copyOf(normal.keySet())).isEqualTo(List.copyOf(value.keySet()));
        normal.forEach((k, v) -> assertThat(v == null ? null : v.getClass()).as(k)
                .isEqualTo(parsed.get(k) == null ? null : parsed.get(k).getClass()));
        assertThat(normal.get("small long")).isEqualTo(3);
        assertThat(JsonCodec.writeObject(normal)).isEqualTo(JsonCodec.writeObject(parsed));
        assertThatThrownBy(() -> normal.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        value.put("text", "changed");
        assertThat(normal.get("text")).as("a copy, not a view").isNotEqualTo("changed");
    }

    @Test
    void numbersJsonCannotHoldAreRefusedWithTheirPath() {
        assertThatThrownBy(() -> JsonCodec.normalizeObject("heuristics", Map.of("nan", Double.NaN), "RTX_4090"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("heuristics.nan must be a finite number for RTX_4090, was NaN: JSON cannot hold it");
        assertThatThrownBy(() -> JsonCodec.normalizeObject("h",
                Map.of("a", Map.of("b", List.of(1, Float.NEGATIVE_INFINITY))), null))
                .hasMessage("h.a.b[1] must be a finite number, was -Infinity: JSON cannot hold it");
        assertThatThrownBy(() -> JsonCodec.normalizeObject("h", Map.of("big", new BigDecimal("1e400")), null))
                .hasMessage("h.big must be a finite number, was 1E+400: JSON cannot hold it");
        assertThat(JsonCodec.normalizeObject("h", Map.of("z", -0.0, "f", 1.5f, "d", new BigDecimal("2.5")), null))
                .containsEntry("z", -0.0).containsEntry("f", 1.5).containsEntry("d", 2.5);
    }

    @Test
    void normalisedMapsAreImmutableAllTheWayDown() {
        Map<String, Object> normal = JsonCodec.normalizeObject("h", Map.of("nested", Map.of("a", List.of(1))), null);

        assertThatThrownBy(() -> normal.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) normal.get("nested");
        assertThatThrownBy(() -> nested.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) nested.get("a")).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyAndNullBecomeAnEmptyMapStoredAsNull() {
        assertThat(JsonCodec.normalizeObject("h", null, null)).isEmpty();
        assertThat(JsonCodec.writeObject(Map.of())).isNull();
        assertThat(JsonCodec.readObject(null)).isEmpty();
    }

    @Test
    void textThatIsNotAnObjectIsRejected() {
        assertThatThrownBy(() -> JsonCodec.readObject("[1, 2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonCodec.readObject("{\"a\": 1} trailing"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNormalisedMapIsWrittenAsTheTextItWasParsedFrom() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", List.of(1, 2.5, "x"));
        value.put("a", Map.of("n", 3));
        String direct = JsonCodec.writeObject(value);

        Map<String, Object> normal = JsonCodec.normalizeObject("heuristics", value, "RTX_4090");

        assertThat(JsonCodec.writeObject(normal)).isEqualTo(direct).isEqualTo("{\"b\":[1,2.5,\"x\"],\"a\":{\"n\":3}}");
        assertThat(JsonCodec.writeObject(JsonCodec.readObject(direct))).isEqualTo(direct);
    }

    @Test
    void aStoredObjectIsParsedOnFirstUseAndWrittenBackAsItsText() {
        String stored = "{\"b\":[1,2.5,\"x\"],\"a\":{\"n\":3}}";

        Map<String, Object> lazy = JsonCodec.readStoredObject(stored);

        assertThat(JsonCodec.writeObject(lazy)).isSameAs(stored);
        assertThat(JsonCodec.normalizeObject("heuristics", lazy, null)).isSameAs(lazy);
        assertThat(lazy).isEqualTo(JsonCodec.readObject(stored)).containsEntry("a", Map.of("n", 3));
        assertThat(JsonCodec.readStoredObject(null)).isEmpty();
        Map<String, Object> broken = JsonCodec.readStoredObject("[1]");
        assertThatThrownBy(broken::size).isInstanceOf(IllegalStateException.class).hasMessageContaining("JSON object");
    }

    @Test
    void aStoredObjectFirstUsedByManyThreadsAtOnceIsTheSameEqualMapToEach() throws Exception {
        String stored = "{\"k\":\"v\",\"n\":[1,{\"deep\":true}],\"x\":1.5}";
        Map<String, Object> eager = JsonCodec.readObject(stored);
        int threads = 8;
        for (int round = 0; round < 200; round++) {
            Map<String, Object> lazy = JsonCodec.readStoredObject(stored);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<Object>>> seen = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int which = t;
                    seen.add(pool.submit(() -> {
                        start.await();
                        // each thread's first access is a different method, so every path may be the one that parses
                        Object first = switch (which % 4) {
                            case 0 -> lazy.get("n");
                            case 1 -> lazy.hashCode();
                            case 2 -> lazy.size();
                            default -> lazy.toString();
                        };
                        return List.of(first, lazy.equals(eager), lazy.hashCode(), lazy.toString(), lazy.get("n"));
                    }));
                }
                start.countDown();
                for (Future<List<Object>> f : seen) {
                    List<Object> view = f.get();
                    assertThat(view.get(1)).isEqualTo(true);
                    assertThat(view.get(2)).isEqualTo(eager.hashCode());
                    assertThat(view.get(3)).isEqualTo(eager.toString());
                    assertThat(view.get(4)).isEqualTo(List.of(1, Map.of("deep", true)));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(JsonCodec.writeObject(lazy)).isSameAs(stored);
        }
    }
}
