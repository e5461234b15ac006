using System.Diagnostics.CodeAnalysis;

namespace Lifeboat.Core.Forensics;

public enum DestructiveKind
{
    DropTable,

    /// <summary><c>DROP DATABASE</c> or its synonym <c>DROP SCHEMA</c>.</summary>
    DropDatabase,
    Truncate,

    /// <summary>A single- or multi-table DELETE without a WHERE clause; a LIMIT does not make it safe.</summary>
    DeleteWithoutWhere,
    UpdateWithoutWhere,
}

/// <summary>A statement that destroys data, and the objects it names.</summary>
/// <param name="Objects">
/// For display: <c>schema.table</c> (or the database for <see cref="DestructiveKind.DropDatabase"/>), unquoted, with
/// unqualified names placed in the default schema and multi-table aliases resolved to their tables.
/// </param>
public sealed record DestructiveStatement(DestructiveKind Kind, IReadOnlyList<string> Objects);

/// <summary>
/// Decides from a statement's text whether it destroys data: DROP TABLE, DROP DATABASE, TRUNCATE, and DELETE or
/// UPDATE without a WHERE clause. Temporary tables, views, triggers and indexes are not data. A WHERE counts only at
/// the statement's own level (one inside a subquery restricts nothing), and only as a keyword, never inside a string
/// or a quoted identifier. A multi-table DELETE or UPDATE whose only condition is a join's ON still counts as
/// destructive: the join may match every row, and an operator would rather read one candidate too many than miss one.
/// </summary>
public static class DestructiveStatementClassifier
{
    // Words that can follow a table reference and so are never its alias.
    private static readonly HashSet<string> NotAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        "on", "using", "join", "inner", "left", "right", "cross", "natural", "straight_join", "outer", "where", "set",
        "order", "limit", "partition", "use", "force", "ignore", "returning", "for", "from",
    };

    // Words that start a statement worth lexing; everything else (INSERT, BEGIN, COMMIT, …) is decided by one token.
    private static readonly HashSet<string> Candidates = new(StringComparer.OrdinalIgnoreCase)
    {
        "drop", "truncate", "delete", "update", "with", "set",
    };

    public static bool TryClassify(string statement, string? defaultSchema, [NotNullWhen(true)] out DestructiveStatement? result)
    {
        ArgumentNullException.ThrowIfNull(statement);
        result = null;
        if (!SqlTokenizer.Tokens(statement).Take(1).Any(t => t.Kind == SqlTokenKind.Word && Candidates.Contains(t.Text)))
        {
            return false;
        }

        var tokens = SqlTokenizer.Tokens(statement).ToList();
        var names = new NameReader(tokens, defaultSchema ?? "");
        int at = SkipPrefixes(tokens);
        if (at >= tokens.Count)
        {
            return false;
        }

        var verb = tokens[at];
        result = verb.IsWord("drop") ? Drop(names, at + 1)
            : verb.IsWord("truncate") ? Truncate(names, at + 1)
            : verb.IsWord("delete") ? Delete(names, at + 1)
            : verb.IsWord("update") ? Update(names, at + 1)
            : null;
        return result is not null;
    }

    // MariaDB's SET STATEMENT … FOR <statement>, and a WITH clause before DELETE or UPDATE: the verb comes after them.
    private static int SkipPrefixes(List<SqlToken> tokens)
    {
        int at = 0;
        while (at < tokens.Count)
        {
            if (tokens[at].IsWord("set") && at + 1 < tokens.Count && tokens[at + 1].IsWord("statement"))
            {
                at = IndexOfTopLevel(tokens, at + 2, "for") + 1;
            }
            else if (tokens[at].IsWord("with"))
            {
                at = tokens.FindIndex(at + 1, t => t.Depth == 0 && (t.IsWord("delete") || t.IsWord("update") || t.IsWord("select") || t.IsWord("insert")));
                if (at < 0)
                {
                    return tokens.Count;
                }
            }
            else
            {
                return at;
            }
        }

        return at;
    }

    private static DestructiveStatement? Drop(NameReader names, int at)
    {
        var tokens = names.Tokens;
        if (at >= tokens.Count)
        {
            return null;
        }

        if (tokens[at].IsWord("table") || tokens[at].IsWord("tables"))
        {
            // TEMPORARY comes before TABLE, so a temporary table never gets here.
            return new DestructiveStatement(DestructiveKind.DropTable, names.List(SkipIfExists(tokens, at + 1)).Select(n => n.Qualified).ToList());
        }

        if (tokens[at].IsWord("database") || tokens[at].IsWord("schema"))
        {
            int i = SkipIfExists(tokens, at + 1);
            IReadOnlyList<string> database = i < tokens.Count && tokens[i].IsName ? [tokens[i].Text] : [];
            return new DestructiveStatement(DestructiveKind.DropDatabase, database);
        }

        return null;
    }

    private static DestructiveStatement Truncate(NameReader names, int at)
    {
        int i = at < names.Tokens.Count && names.Tokens[at].IsWord("table") ? at + 1 : at;
        return new DestructiveStatement(DestructiveKind.Truncate, names.Read(ref i) is { } name ? [name.Qualified] : []);
    }

    // DELETE FROM t …; DELETE t1, t2 FROM <references> …; DELETE FROM t1, t2 USING <references> ….
    private static DestructiveStatement? Delete(NameReader names, int at)
    {
        var tokens = names.Tokens;
        if (HasTopLevelWhere(tokens, at))
        {
            return null;
        }

        int i = SkipWords(tokens, at, "low_priority", "quick", "ignore", "history");
        bool fromFirst = i < tokens.Count && tokens[i].IsWord("from");
        var targets = names.List(fromFirst ? i + 1 : i);
        int references = fromFirst ? IndexOfTopLevel(tokens, i + 1, "using") : IndexOfTopLevel(tokens, i, "from");
        var objects = references < tokens.Count
            ? Resolve(targets, names.References(references + 1))
            : targets.Take(1).Select(t => t.Qualified).ToList();
        return new DestructiveStatement(DestructiveKind.DeleteWithoutWhere, objects);
    }

    // UPDATE <references> SET …: the tables are the ones whose columns are assigned, or all of them when no
    // assignment names its table.
    private static DestructiveStatement? Update(NameReader names, int at)
    {
        var tokens = names.Tokens;
        if (HasTopLevelWhere(tokens, at))
        {
            return null;
        }

        var tables = names.References(SkipWords(tokens, at, "low_priority", "ignore"));
        var assigned = AssignedQualifiers(names, IndexOfTopLevel(tokens, at, "set") + 1);
        var updated = tables.Count > 1 && assigned.Count > 0 ? Resolve(assigned, tables) : tables.Select(t => t.Table.Qualified).Distinct().ToList();
        return new DestructiveStatement(DestructiveKind.UpdateWithoutWhere, updated);
    }

    private static bool HasTopLevelWhere(List<SqlToken> tokens, int from) =>
        tokens.FindIndex(from, t => t.Depth == 0 && t.IsWord("where")) >= 0;

    private static int IndexOfTopLevel(List<SqlToken> tokens, int from, string keyword)
    {
        int found = from < tokens.Count ? tokens.FindIndex(from, t => t.Depth == 0 && t.IsWord(keyword)) : -1;
        return found < 0 ? tokens.Count : found;
    }

    private static int SkipIfExists(List<SqlToken> tokens, int at) =>
        at + 1 < tokens.Count && tokens[at].IsWord("if") && tokens[at + 1].IsWord("exists") ? at + 2 : at;

    private static int SkipWords(List<SqlToken> tokens, int at, params string[] words)
    {
        while (at < tokens.Count && words.Any(tokens[at].IsWord))
        {
            at++;
        }

        return at;
    }

    // The qualifiers of SET's assignments: o in "o.amount = 0", shop.o in "shop.o.amount = 0".
    private static List<SqlName> AssignedQualifiers(NameReader names, int at)
    {
        var tokens = names.Tokens;
        var qualifiers = new List<SqlName>();
        for (int i = at; i < tokens.Count; i++)
        {
            if (tokens[i].Depth != 0 || !tokens[i].IsName || (i > at && !tokens[i - 1].IsSymbol(',')))
            {
                continue;
            }

            int end = i;
            while (end + 2 < tokens.Count && tokens[end + 1].IsSymbol('.') && tokens[end + 2].IsName)
            {
                end += 2;
            }

            int parts = ((end - i) / 2) + 1;
            if (parts is 2 or 3 && end + 1 < tokens.Count && tokens[end + 1].IsSymbol('='))
            {
                qualifiers.Add(parts == 3
                    ? names.Name(tokens[i].Text, tokens[i + 2].Text)
                    : names.Name(null, tokens[i].Text));
            }
        }

        return qualifiers;
    }

    // Targets of a multi-table statement name tables or their aliases; each becomes the table it stands for.
    private static List<string> Resolve(IEnumerable<SqlName> targets, List<(SqlName Table, string? Alias)> references)
    {
        var resolved = new List<string>();
        foreach (var target in targets)
        {
            int match = target.Schema is null ? references.FindIndex(r => Same(r.Alias, target.Table)) : -1;
            if (match < 0)
            {
                match = references.FindIndex(r => r.Alias is null && Same(r.Table.Table, target.Table)
                    && (target.Schema is null || Same(r.Table.Schema, target.Schema)));
            }

            var name = (match < 0 ? target : references[match].Table).Qualified;
            if (!resolved.Contains(name))
            {
                resolved.Add(name);
            }
        }

        return resolved;
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    // A table or alias can be any quoted identifier, but an unquoted word only when it is not a clause keyword.
    private static bool CanBeTableOrAlias(SqlToken token) =>
        token.Kind == SqlTokenKind.Identifier || (token.Kind == SqlTokenKind.Word && !NotAliases.Contains(token.Text));

    /// <param name="Schema">As written; null when the statement did not qualify the name.</param>
    private sealed record SqlName(string? Schema, string Table, string DefaultSchema)
    {
        public string Qualified => (Schema ?? DefaultSchema) is { Length: > 0 } schema ? $"{schema}.{Table}" : Table;
    }

    /// <summary>Reads table names and table references out of a statement's tokens.</summary>
    private sealed class NameReader(List<SqlToken> tokens, string defaultSchema)
    {
        public List<SqlToken> Tokens => tokens;

        public SqlName Name(string? schema, string table) => new(schema, table, defaultSchema);

        /// <summary><c>t</c>, <c>s.t</c> or <c>t.*</c> at <paramref name="i"/>, which then points past it.</summary>
        public SqlName? Read(ref int i)
        {
            if (i >= tokens.Count || !tokens[i].IsName)
            {
                return null;
            }

            SqlName name;
            if (i + 2 < tokens.Count && tokens[i + 1].IsSymbol('.') && tokens[i + 2].IsName)
            {
                name = Name(tokens[i].Text, tokens[i + 2].Text);
                i += 3;
            }
            else
            {
                name = Name(null, tokens[i].Text);
                i++;
            }

            // Multi-table DELETE targets may be written t.*.
            if (i + 1 < tokens.Count && tokens[i].IsSymbol('.') && tokens[i + 1].IsSymbol('*'))
            {
                i += 2;
            }

            return name;
        }

        /// <summary>A comma-separated list of names, as DROP TABLE and DELETE's targets have.</summary>
        public List<SqlName> List(int i)
        {
            var list = new List<SqlName>();
            while (Read(ref i) is { } name)
            {
                list.Add(name);
                if (i >= tokens.Count || !tokens[i].IsSymbol(','))
                {
                    break;
                }

                i++;
            }

            return list;
        }

        /// <summary>
        /// The tables of a FROM-style reference list (commas and joins) with their aliases, up to SET, WHERE, ORDER,
        /// LIMIT or RETURNING. Derived tables and ON conditions are skipped.
        /// </summary>
        public List<(SqlName Table, string? Alias)> References(int i)
        {
            var tables = new List<(SqlName, string?)>();
            bool expectTable = true;
            while (i < tokens.Count)
            {
                var token = tokens[i];
                if (token.Depth > 0)
                {
                    i++;
                }
                else if (token.IsWord("set") || token.IsWord("where") || token.IsWord("order") || token.IsWord("limit") || token.IsWord("returning"))
                {
                    break;
                }
                else if (token.IsSymbol(',') || token.IsWord("join") || token.IsWord("straight_join"))
                {
                    expectTable = true;
                    i++;
                }
                else if (expectTable && CanBeTableOrAlias(token) && Read(ref i) is { } table)
                {
                    if (i < tokens.Count && tokens[i].IsWord("as"))
                    {
                        i++;
                    }

                    string? alias = i < tokens.Count && CanBeTableOrAlias(tokens[i]) ? tokens[i++].Text : null;
                    tables.Add((table, alias));
                    expectTable = false;
                }
                else
                {
                    i++;
                }
            }

            return tables;
        }
    }
}
