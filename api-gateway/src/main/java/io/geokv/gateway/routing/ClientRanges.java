package io.geokv.gateway.routing;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configured client address ranges (CIDR, IPv4 and IPv6) and the region each goes to. The most
 * specific range containing the client wins; IPv4 clients seen as IPv4-mapped IPv6 addresses
 * ({@code ::ffff:10.0.0.1}) match IPv4 ranges.
 */
public final class ClientRanges {

    /** A range and its region. */
    public record Range(IPAddress block, String region) {

        @Override
        public String toString() {
            return block.toCanonicalString();
        }
    }

    private final List<Range> ranges;

    /**
     * @param cidrToRegion e.g. {@code "10.0.0.0/8" -> "us-east"}, {@code "2001:db8::/32" -> "eu-west"}
     * @throws IllegalArgumentException naming a range that is not a CIDR block or address
     */
    public ClientRanges(Map<String, String> cidrToRegion) {
        List<Range> parsed = new ArrayList<>();
        cidrToRegion.forEach((cidr, region) -> {
            IPAddress address = new IPAddressString(cidr.trim()).getAddress();
            if (address == null) {
                throw new IllegalArgumentException(
                        "client range '" + cidr + "' is not a CIDR block such as 10.0.0.0/8");
            }
            parsed.add(new Range(address.toPrefixBlock(), region));
        });
        // Longest prefix first: the most specific range wins.
        parsed.sort((a, b) -> Integer.compare(prefixLength(b.block()), prefixLength(a.block())));
        this.ranges = List.copyOf(parsed);
    }

    /** The most specific range holding {@code clientAddress} (a literal address; anything else matches nothing). */
    public Optional<Range> find(String clientAddress) {
        if (clientAddress == null || ranges.isEmpty()) {
            return Optional.empty();
        }
        IPAddress client = new IPAddressString(clientAddress.trim()).getAddress();
        if (client == null || !client.getCount().equals(BigInteger.ONE)) {
            return Optional.empty();
        }
        IPAddress plain = client.isIPv4Convertible() ? client.toIPv4() : client;
        return ranges.stream()
                .filter(range -> range.block().getIPVersion() == plain.getIPVersion()
                        && range.block().contains(plain))
                .findFirst();
    }

    private static int prefixLength(IPAddress block) {
        Integer length = block.getNetworkPrefixLength();
        return length == null ? block.getBitCount() : length;
    }
}
