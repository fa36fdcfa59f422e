package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListingQueryTest {

    @Test
    void defaultsAreAllListingsInImportOrderLimit100() {
        ListingQuery all = ListingQuery.all();

        assertThat(all.orderBy()).isEqualTo(ListingQuery.Order.IMPORT_ORDER);
        assertThat(all.limit()).isEqualTo(100);
        assertThat(all.offset()).isZero();
        assertThat(all.model()).isNull();
        assertThat(all.models()).isNull();
        assertThat(all.inStock()).isFalse();
        assertThat(all.current()).isFalse();
        assertThat(all.distinctOffers()).isFalse();
    }

    @Test
    void contradictoryQueriesNameTheParameter() {
        assertThatThrownBy(() -> ListingQuery.builder().limit(0).build())
                .hasMessage("limit must be between 1 and 10000, was 0");
        assertThatThrownBy(() -> ListingQuery.builder().limit(10_001).build())
                .hasMessageContaining("limit must be between 1 and 10000");
        assertThatThrownBy(() -> ListingQuery.builder().offset(-1).build())
                .hasMessage("offset must be >= 0, was -1");
        assertThatThrownBy(() -> ListingQuery.builder().minScore(0.8).maxScore(0.2).build())
                .hasMessage("minScore must be <= maxScore, was 0.8 > 0.2");
        assertThatThrownBy(() -> ListingQuery.builder().minPrice(BigDecimal.TEN).maxPrice(BigDecimal.ONE).build())
                .hasMessage("minPrice must be <= maxPrice, was 10 > 1");
        assertThatThrownBy(() -> ListingQuery.builder().maxPrice(new BigDecimal("-1")).build())
                .hasMessageContaining("maxPrice must be >= 0");
        assertThatThrownBy(() -> ListingQuery.builder().minScore(Double.NaN).build())
                .hasMessageContaining("minScore must be a finite number");
        assertThatThrownBy(() -> ListingQuery.builder().seenAfter(Instant.ofEpochSecond(10))
                .seenBefore(Instant.ofEpochSecond(5)).build()).hasMessageContaining("seenAfter must not be after");
        assertThatThrownBy(() -> ListingQuery.builder().orderBy(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("orderBy");
    }

    @Test
    void contradictoryMarketFiltersNameTheParameters() {
        assertThatThrownBy(() -> ListingQuery.builder().model("A").models("B", "C").build())
                .hasMessage("model and models cannot both be set, were A and [B, C]; list every model in models");
        assertThatThrownBy(() -> ListingQuery.builder().models().build())
                .hasMessage("models must name 1 to 1000 models, was 0");
        assertThatThrownBy(() -> ListingQuery.builder().models(IntStream.range(0, 1001).mapToObj(i -> "M" + i)
                .toList()).build()).hasMessage("models must name 1 to 1000 models, was 1001");
        assertThatThrownBy(() -> ListingQuery.builder().models(Arrays.asList("A", null)).build())
                .isInstanceOf(NullPointerException.class).hasMessage("models[1] is null");
        assertThatThrownBy(() -> ListingQuery.builder().minVramGb(48).maxVramGb(24).build())
                .hasMessage("minVramGb must be <= maxVramGb, was 48 > 24");
        assertThatThrownBy(() -> ListingQuery.builder().minVramGb(-1).build())
                .hasMessage("minVramGb must be >= 0, was -1");
        assertThatThrownBy(() -> ListingQuery.builder().maxVramGb(-1).build())
                .hasMessage("maxVramGb must be >= 0, was -1");
        assertThatThrownBy(() -> ListingQuery.builder().minMigSupport(8).build())
                .hasMessage("minMigSupport must be between 0 and 7, was 8");
        assertThatThrownBy(() -> ListingQuery.builder().minMatchScore(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("minMatchScore must be a finite number");
        assertThatThrownBy(() -> ListingQuery.builder().availability("Unavailable").inStock().build())
                .hasMessage("availability must be Available (or unset) with inStock, was Unavailable");
        assertThatThrownBy(() -> ListingQuery.builder().sourceUrl("").build())
                .hasMessageContaining("sourceUrl must not be empty");
        for (String field : List.of("generation", "formFactor", "seller", "sourceType", "availability", "sourceUrl")) {
            ListingQuery.Builder b = ListingQuery.builder();
            String nul = "a\0b";
            switch (field) {
                case "generation" -> b.generation(nul);
                case "formFactor" -> b.formFactor(nul);
                case "seller" -> b.seller(nul);
                case "sourceType" -> b.sourceType(nul);
                case "availability" -> b.availability(nul);
                default -> b.sourceUrl(nul);
            }
            assertThatThrownBy(b::build).as(field).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(field + " must not contain NUL");
        }
    }

    @Test
    void consistentMarketFiltersAreAccepted() {
        assertThat(ListingQuery.builder().availability("AVAILABLE").inStock().build().inStock()).isTrue();
        assertThat(ListingQuery.builder().minVramGb(24).maxVramGb(24).minMigSupport(0).build().maxVramGb())
                .isEqualTo(24);
        assertThat(ListingQuery.builder().models("A").build().models()).containsExactly("A");
        assertThatThrownBy(() -> ListingQuery.builder().availability("Avaılable").inStock().build())
                .as("only ASCII letters fold").hasMessageContaining("availability must be Available");
    }

    @Test
    void modelsAreCopied() {
        List<String> models = new ArrayList<>(List.of("A", "B"));
        ListingQuery query = ListingQuery.builder().models(models).build();
        models.add("C");

        assertThat(query.models()).containsExactly("A", "B");
        assertThatThrownBy(() -> query.models().add("D")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toBuilderKeepsEveryParameter() {
        ListingQuery query = ListingQuery.builder().model("M").minScore(0.1).maxScore(0.9).minPrice(BigDecimal.ONE)
                .maxPrice(BigDecimal.TEN).region("USA").condition("New").seenAfter(Instant.EPOCH)
                .seenBefore(Instant.EPOCH.plusSeconds(1)).importId("b").orderBy(ListingQuery.Order.PRICE_ASC)
                .limit(7).offset(3).build();
        ListingQuery market = ListingQuery.builder().models("A", "B").minVramGb(8).maxVramGb(80).minMigSupport(4)
                .nvlink(false).generation("Ada").formFactor("SFF").seller("Wamatek").sourceType("Shopify")
                .availability("Available").inStock().sourceUrl("https://x").minMatchScore(0.5).current()
                .distinctOffers().build();

        assertThat(query.toBuilder().build()).isEqualTo(query);
        assertThat(market.toBuilder().build()).isEqualTo(market);
    }
}
