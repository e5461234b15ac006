using System.Text;

namespace Lifeboat.Core.Forensics;

internal enum SqlTokenKind
{
    /// <summary>An unquoted word: a keyword or an identifier.</summary>
    Word,

    /// <summary>A backtick-quoted identifier, or a word right after a dot (never a keyword there).</summary>
    Identifier,

    /// <summary>A string literal; its text is not kept.</summary>
    String,

    /// <summary>A user or system variable (<c>@x</c>, <c>@@x</c>).</summary>
    Variable,

    /// <summary>Any other single character: punctuation and operators.</summary>
    Symbol,
}

/// <param name="Text">The word, the unquoted identifier, or the symbol.</param>
/// <param name="Depth">How many parentheses enclose the token; 0 is the statement's own level.</param>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Depth)
{
    public bool IsWord(string keyword) => Kind == SqlTokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char symbol) => Kind == SqlTokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public bool IsName => Kind is SqlTokenKind.Word or SqlTokenKind.Identifier;
}

/// <summary>
/// Just enough of MySQL's lexer to find keywords reliably: comments are dropped, except executable comments
/// (<c>/*! … */</c>, <c>/*!40005 … */</c>, MariaDB's <c>/*M! … */</c>), whose content the server runs and which are
/// therefore read as SQL; string literals and quoted identifiers are single tokens, so a <c>where</c> inside them is
/// never the WHERE keyword. Lazy, so a caller that only needs the first word does not lex a 10 MB INSERT.
/// </summary>
internal sealed class SqlTokenizer
{
    private readonly string sql;
    private int depth;
    private bool afterDot;

    private SqlTokenizer(string sql) => this.sql = sql;

    public static IEnumerable<SqlToken> Tokens(string sql) => new SqlTokenizer(sql).Lex(0, sql.Length);

    private IEnumerable<SqlToken> Lex(int start, int end)
    {
        int i = start;
        while (i < end)
        {
            char c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#' || (c == '-' && At(i + 1, end) == '-' && IsCommentSpace(At(i + 2, end))))
            {
                i = LineEnd(i, end);
            }
            else if (c == '/' && At(i + 1, end) == '*')
            {
                int close = sql.IndexOf("*/", i + 2, end - i - 2, StringComparison.Ordinal);
                int commentEnd = close < 0 ? end : close;
                int content = ExecutableContent(i + 2, commentEnd);
                if (content >= 0)
                {
                    foreach (var token in Lex(content, commentEnd))
                    {
                        yield return token;
                    }
                }

                i = close < 0 ? end : close + 2;
            }
            else if (c == '`')
            {
                var name = new StringBuilder();
                i = Quoted(i, end, '`', backslashEscapes: false, name);
                yield return Emit(SqlTokenKind.Identifier, name.ToString());
            }
            else if (c is '\'' or '"')
            {
                // "…" is a string unless ANSI_QUOTES is on; a statement never needs it as a keyword either way.
                i = Quoted(i, end, c, backslashEscapes: true, value: null);
                yield return Emit(SqlTokenKind.String, "");
            }
            else if (c == '@')
            {
                int j = i;
                while (j < end && sql[j] == '@')
                {
                    j++;
                }

                j = j < end && sql[j] is '`' or '\'' or '"' ? Quoted(j, end, sql[j], sql[j] != '`', value: null) : WordEnd(j, end);
                yield return Emit(SqlTokenKind.Variable, sql[i..j]);
                i = j;
            }
            else if (IsWordChar(c))
            {
                int j = WordEnd(i, end);
                yield return Emit(afterDot ? SqlTokenKind.Identifier : SqlTokenKind.Word, sql[i..j]);
                i = j;
            }
            else
            {
                if (c == ')')
                {
                    depth = Math.Max(0, depth - 1);
                }

                yield return Emit(SqlTokenKind.Symbol, c.ToString());
                if (c == '(')
                {
                    depth++;
                }

                i++;
            }
        }
    }

    private SqlToken Emit(SqlTokenKind kind, string text)
    {
        // After a dot comes an identifier even when it is a reserved word: t.where is a column.
        afterDot = kind == SqlTokenKind.Symbol && text == ".";
        return new SqlToken(kind, text, depth);
    }

    private char At(int i, int end) => i < end ? sql[i] : '\0';

    // "--" starts a comment only when followed by a space or control character (or the end): 1--1 is arithmetic.
    private static bool IsCommentSpace(char c) => c == '\0' || char.IsWhiteSpace(c) || char.IsControl(c);

    private int LineEnd(int i, int end)
    {
        int newline = sql.IndexOf('\n', i, end - i);
        return newline < 0 ? end : newline + 1;
    }

    // Where the SQL inside /*!NNNNN … */ or /*M!NNNNNN … */ starts; -1 for an ordinary comment or optimizer hint.
    private int ExecutableContent(int i, int end)
    {
        if (At(i, end) == 'M' && At(i + 1, end) == '!')
        {
            i++;
        }
        else if (At(i, end) != '!')
        {
            return -1;
        }

        i++;
        while (i < end && char.IsAsciiDigit(sql[i]))
        {
            i++;
        }

        return i;
    }

    // The index after the closing quote; the unescaped content goes to value when the caller wants it.
    private int Quoted(int open, int end, char quote, bool backslashEscapes, StringBuilder? value)
    {
        int i = open + 1;
        while (i < end)
        {
            char c = sql[i];
            if (backslashEscapes && c == '\\' && i + 1 < end)
            {
                value?.Append(sql[i + 1]);
                i += 2;
            }
            else if (c == quote && At(i + 1, end) == quote)
            {
                value?.Append(quote);
                i += 2;
            }
            else if (c == quote)
            {
                return i + 1;
            }
            else
            {
                value?.Append(c);
                i++;
            }
        }

        // Unterminated: the rest of the text is the literal (the server would have refused the statement).
        return end;
    }

    private int WordEnd(int i, int end)
    {
        while (i < end && IsWordChar(sql[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c > '\u007f';
}
