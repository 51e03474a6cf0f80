package io.alertrelay.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/** The relay's own database as the bench reads it: connections, and what a phase left in it. */
final class RelayDatabase {

    private RelayDatabase() {
    }

    static Connection connect(Options opt) throws Exception {
        return DriverManager.getConnection(opt.dbUrl(), "relay", "");
    }

    /** Flags of one phase's codes ({@code BENCH-<phase>-...}) that are in the database. */
    static long flags(Options opt, String phase) throws Exception {
        return count(opt, "SELECT count(*) FROM flags f JOIN product_codes c ON c.id = f.code_id WHERE c.code LIKE ?",
                "BENCH-" + phase + "-%");
    }

    /** Outbox rows of one phase's flags: the deliveries that must arrive. */
    static long deliveries(Options opt, String phase) throws Exception {
        return count(opt, "SELECT count(*) FROM deliveries d JOIN flags f ON f.id = d.flag_id JOIN product_codes c "
                + "ON c.id = f.code_id WHERE c.code LIKE ?", "BENCH-" + phase + "-%");
    }

    private static long count(Options opt, String sql, String like) throws Exception {
        try (Connection c = connect(opt); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The postmaster's pid: the parent of this connection's backend, whose children are all of PostgreSQL. */
    static long postmasterPid(Options opt) throws Exception {
        try (Connection c = connect(opt); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            String[] stat = Sampler.stat(rs.getLong(1));
            return stat == null ? -1 : Long.parseLong(stat[3]);
        }
    }

    static long agencyId(Connection c, String name) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM agencies WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
