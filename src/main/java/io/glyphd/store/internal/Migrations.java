package io.glyphd.store.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The naming rule of every backend's schema scripts: {@code schema.sql}, then {@code V2__<name>.sql}, ... */
public final class Migrations {
    private static final Pattern MIGRATION_NAME = Pattern.compile("V([1-9][0-9]*)__[a-z0-9_]+\\.sql");

    private Migrations() {
    }

    /**
     * Returns the version {@code scripts} bring a database to, after checking that they are {@code schema.sql}
     * followed by {@code V2__<name>.sql}, {@code V3__<name>.sql}, ... in order, with no gaps, so the list cannot be
     * misordered. Script {@code i} (0-based) brings the schema to version {@code i + 1}.
     *
     * @throws IllegalStateException naming the first misnamed or misplaced script (a packaging error)
     */
    public static int checkNames(List<String> scripts) {
        if (scripts.isEmpty() || !scripts.get(0).equals("schema.sql")) {
            throw new IllegalStateException("the first migration must be schema.sql, was "
                    + (scripts.isEmpty() ? "nothing" : scripts.get(0)));
        }
        for (int i = 1; i < scripts.size(); i++) {
            Matcher name = MIGRATION_NAME.matcher(scripts.get(i));
            if (!name.matches() || !name.group(1).equals(String.valueOf(i + 1))) {
                throw new IllegalStateException("migration " + (i + 1) + " must be named V" + (i + 1)
                        + "__<lower_case_name>.sql, was " + scripts.get(i));
            }
        }
        return scripts.size();
    }
}
