package io.geokv.naming;

/**
 * {@link GeokvNames} for shell scripts, so that they spell no name themselves:
 *
 * <pre>
 * java -cp conflict-model.jar io.geokv.naming.PrintNames default-regions      # us-east eu-west asia-pac
 * java -cp conflict-model.jar io.geokv.naming.PrintNames database geokv_ eu-west  # geokv_eu_west
 * </pre>
 */
public final class PrintNames {

    private PrintNames() {}

    public static void main(String[] args) {
        String name = args.length == 0 ? "" : args[0];
        if (name.equals("default-regions") && args.length == 1) {
            System.out.println(String.join(" ", GeokvNames.DEFAULT_REGIONS));
        } else if (name.equals("database") && args.length == 3) {
            System.out.println(GeokvNames.database(args[1], args[2]));
        } else {
            System.err.println("usage: PrintNames default-regions | database <prefix> <region>");
            System.exit(2);
        }
    }
}
