package dev.strangler.contract;

/**
 * An identifier written into SQL a module runs or prints (a publication, role, schema, table or column name): always
 * double-quoted, embedded quotes doubled, as psql's {@code :"var"} and {@code format('%I')} write it, so the name's
 * case and a keyword as a name survive and nothing in the name is read as SQL.
 */
public final class SqlIdentifier {

    private SqlIdentifier() {
    }

    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
