package io.alertrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.support.TestRelay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Catalogue import from JSON or CSV: good rows are stored, bad rows are reported with reasons. */
class CatalogueImportTest {

    static TestRelay relay;

    @BeforeAll
    static void start() {
        relay = TestRelay.shared();
    }

    static String tag() {
        return UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    @Test
    void jsonRowsAreValidatedOneByOneAndGoodOnesStored() {
        String t = tag();
        String body = "["
                + "{\"manufacturer\":\"Imp " + t + "\",\"category\":\"drugs\",\"country\":\"NG\",\"product\":\"Tabs " + t
                + "\",\"registrationNumber\":\"R-1\",\"batch\":\"B1\",\"expiresOn\":\"2028-01-31\",\"code\":\"IMP-" + t + "-1\"},"
                + "{\"manufacturer\":\"Imp " + t + "\",\"product\":\"Tabs " + t + "\",\"code\":\"IMP-" + t + "-2\"},"
                + "{\"manufacturer\":\"Maker only " + t + "\",\"category\":\"food\"},"
                + "{\"category\":\"food\",\"product\":\"x\"},"
                + "{\"manufacturer\":\"New " + t + "\",\"category\":\"toys\"},"
                + "{\"manufacturer\":\"Imp " + t + "\",\"product\":\"Tabs " + t + "\",\"code\":\"bad code!\"},"
                + "{\"manufacturer\":\"Imp " + t + "\",\"product\":\"Tabs " + t + "\",\"code\":\"IMP-" + t + "-1\"},"
                + "{\"manufacturer\":\"Imp " + t + "\",\"category\":\"food\"},"
                + "{\"manufacturer\":\"Nocat " + t + "\"},"
                + "{\"manufacturer\":\"Imp " + t + "\",\"code\":\"IMP-" + t + "-9\"},"
                + "{\"manufacturer\":\"Imp " + t + "\",\"expiresOn\":\"31/01/2028\",\"surprise\":1}"
                + "]";
        HttpResponse<String> r = relay.requestJson("POST", "/api/admin/catalogue/import", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = relay.json(r);
        assertThat(report.get("rows").asInt()).isEqualTo(11);
        assertThat(report.get("accepted").asInt()).isEqualTo(3);
        assertThat(report.get("rejected").asInt()).isEqualTo(8);
        assertThat(report.get("created").get("manufacturers").asInt()).isEqualTo(2);
        assertThat(report.get("created").get("codes").asInt()).isEqualTo(2);
        String rejected = report.get("rejectedRows").toString();
        assertThat(rejected).contains("manufacturer: required", "category: one of", "code: letters",
                "already exists", "exists with category drugs", "category: required for a new manufacturer",
                "product: required", "expiresOn: a date", "surprise: unknown field");
        assertThat(report.get("rejectedRows").get(0).get("row").asInt()).isEqualTo(4);

        // an imported code can be flagged at once
        HttpResponse<String> flag = relay.postJson("/api/codes/IMP-" + t + "-2/flag",
                "{\"reason\":\"counterfeit\",\"severity\":\"low\"}");
        assertThat(flag.statusCode()).as(flag.body()).isEqualTo(202);
        assertThat(relay.json(flag).get("category").asText()).isEqualTo("drugs");
        assertThat(relay.queryValue("SELECT expires_on::text FROM batches b JOIN product_codes c ON c.batch_id = b.id "
                + "WHERE c.code = ?", "IMP-" + t + "-1")).isEqualTo("2028-01-31");
    }

    @Test
    void csvWithAHeaderLineIsImportedWithQuotedFields() {
        String t = tag();
        String csv = "manufacturer,category,product,batch,code\r\n"
                + "\"Csv, Maker " + t + "\",cosmetics,\"Cream \"\"Gold\"\" " + t + "\",B-1,CSV-" + t + "-1\r\n"
                + "\"Csv, Maker " + t + "\",,\"Cream \"\"Gold\"\" " + t + "\",B-1,CSV-" + t + "-2\n"
                + ",cosmetics,,,\n";
        HttpResponse<String> r = relay.request("POST", "/api/admin/catalogue/import", relay.adminToken(), "text/csv", csv);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode report = relay.json(r);
        assertThat(report.get("format").asText()).isEqualTo("csv");
        assertThat(report.get("accepted").asInt()).isEqualTo(2);
        assertThat(report.get("rejected").asInt()).isEqualTo(1);
        assertThat(report.get("rejectedRows").get(0).get("row").asInt()).isEqualTo(3);
        assertThat(relay.queryValue("SELECT p.name FROM products p JOIN batches b ON b.product_id = p.id "
                + "JOIN product_codes c ON c.batch_id = b.id WHERE c.code = ?", "CSV-" + t + "-2"))
                .isEqualTo("Cream \"Gold\" " + t);
    }

    @Test
    void unusableImportsAreRefusedWhole() {
        assertThat(relay.request("POST", "/api/admin/catalogue/import", relay.adminToken(), "text/csv",
                "maker,code\nx,y\n").statusCode()).isEqualTo(400);
        assertThat(relay.request("POST", "/api/admin/catalogue/import", relay.adminToken(), "text/plain", "x")
                .statusCode()).isEqualTo(415);
        assertThat(relay.requestJson("POST", "/api/admin/catalogue/import", "[]").statusCode()).isEqualTo(400);
        assertThat(relay.requestJson("POST", "/api/admin/catalogue/import", "{\"manufacturer\":\"x\"}").statusCode())
                .isEqualTo(400);
        HttpResponse<String> malformed = relay.requestJson("POST", "/api/admin/catalogue/import", "[{");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(relay.json(malformed).get("error").asText()).isEqualTo("malformed JSON");
    }
}
