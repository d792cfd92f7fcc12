package io.geokv.gateway.routing;

import com.ibm.icu.util.Region;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The continents of the UN M.49 standard, as the Unicode CLDR (through ICU) groups ISO 3166
 * countries into them. Antarctica and the outlying islands belong to Oceania there.
 */
public enum Continent {
    AFRICA("002"),
    AMERICAS("019"),
    ASIA("142"),
    EUROPE("150"),
    OCEANIA("009");

    private final String m49;

    Continent(String m49) {
        this.m49 = m49;
    }

    /**
     * The continent of an ISO 3166-1 alpha-2 country code, any case; empty for codes that name no
     * country (CDN placeholders such as {@code XX} or {@code T1}, groupings such as {@code EU}) or
     * that are malformed.
     */
    public static Optional<Continent> ofCountry(String code) {
        if (code == null || !code.trim().matches("[A-Za-z]{2}")) {
            return Optional.empty();
        }
        Region country;
        try {
            country = Region.getInstance(code.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
        if (country.getType() != Region.RegionType.TERRITORY) {
            return Optional.empty();
        }
        Region continent = country.getContainingRegion(Region.RegionType.CONTINENT);
        return continent == null
                ? Optional.empty()
                : Arrays.stream(values())
                        .filter(c -> c.m49.equals(continent.toString()))
                        .findFirst();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
