package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableIdTest {

    @Test
    void shouldParseSchemaDotTableAndPrintItBack() {
        TableId id = TableId.parse(" shop.order_lines ");
        assertThat(id.schema()).isEqualTo("shop");
        assertThat(id.table()).isEqualTo("order_lines");
        assertThat(id).hasToString("shop.order_lines").isEqualTo(new TableId("shop", "order_lines"));
    }

    @Test
    void shouldRefuseTextThatIsNotOneSchemaAndOneTable() {
        for (String bad : new String[] {"orders", ".orders", "shop.", "a.b.c", ""}) {
            assertThatThrownBy(() -> TableId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not schema.table");
        }
        assertThatThrownBy(() -> new TableId("", "t")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldQuoteBothPartsSoCaseKeywordsAndQuotesSurvive() {
        assertThat(new TableId("Shop", "order").quoted()).isEqualTo("\"Shop\".\"order\"");
        assertThat(new TableId("s", "we\"ird").quoted()).isEqualTo("\"s\".\"we\"\"ird\"");
    }
}
