package io.glyphd.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ListingQueryTest {

    @Test
    void defaultsAreAllListingsInImportOrderLimit100() {
        ListingQuery all = ListingQuery.all();

        assertThat(all.orderBy()).isEqualTo(ListingQuery.Order.IMPORT_ORDER);
        assertThat(all.limit()).isEqualTo(100);
        assertThat(all.offset()).isZero();
        assertThat(all.model()).isNull();
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
    void toBuilderKeepsEveryParameter() {
        ListingQuery query = ListingQuery.builder().model("M").minScore(0.1).maxScore(0.9).minPrice(BigDecimal.ONE)
                .maxPrice(BigDecimal.TEN).region("USA").condition("New").seenAfter(Instant.EPOCH)
                .seenBefore(Instant.EPOCH.plusSeconds(1)).importId("b").orderBy(ListingQuery.Order.PRICE_ASC)
                .limit(7).offset(3).build();

        assertThat(query.toBuilder().build()).isEqualTo(query);
    }
}
