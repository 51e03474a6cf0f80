package io.alertrelay.intake;

import java.util.Optional;

/** A product code resolved through the catalogue. */
public record CodeDetails(long codeId, String code, String batchNumber, Optional<String> expiresOn,
                          long productId, String productName, Optional<String> registrationNumber,
                          long manufacturerId, String manufacturerName, Optional<String> manufacturerCountry,
                          String category) {
}
