using System.Text;

namespace SeqPack.Data;

/// <summary>One CSV record: the line it starts on and its fields, or the reason it could not be parsed.</summary>
internal readonly record struct CsvRecord(int Line, string[]? Fields, string? Error);

/// <summary>
/// RFC 4180 records: fields separated by commas; a field in double quotes may hold commas, line breaks and
/// doubled quotes (<c>""</c> for one <c>"</c>). A line break inside quotes is kept as <c>\n</c>.
/// </summary>
internal static class CsvRecords
{
    /// <summary>
    /// The records of <paramref name="lines"/>; a record longer than <paramref name="maxRecordChars"/> (or one that
    /// starts on a cut line) is an error record, so a quote that is never closed cannot swallow the file.
    /// </summary>
    public static IEnumerable<CsvRecord> Parse(IReadOnlyList<RawLine> lines, int maxRecordChars = int.MaxValue, char separator = ',')
    {
        int i = 0;
        while (i < lines.Count)
        {
            var start = lines[i];
            if (start.Text is null) { i++; yield return new CsvRecord(start.Number, null, "the line is not valid UTF-8"); continue; }
            if (start.Text.Length == 0 && !start.Cut) { i++; continue; }
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false, wasQuoted = false;
            string? error = null;
            string text = start.Text;
            int pos = 0;
            while (true)
            {
                if (pos == text.Length)
                {
                    if (lines[i].Cut) { error = $"line {lines[i].Number} is {lines[i].Bytes} bytes long, more than the limit per line"; break; }
                    if (!quoted) break;
                    if (field.Length > maxRecordChars) { error = $"a quoted field runs past {maxRecordChars} characters (is a closing quote missing?)"; break; }
                    i++;                                   // the quoted field continues on the next line
                    if (i >= lines.Count) { error = "a quoted field is not closed before the end of the file"; break; }
                    if (lines[i].Text is null) { error = $"line {lines[i].Number} inside a quoted field is not valid UTF-8"; break; }
                    field.Append('\n');
                    text = lines[i].Text!;
                    pos = 0;
                    continue;
                }
                char c = text[pos++];
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (pos < text.Length && text[pos] == '"') { field.Append('"'); pos++; }
                    else quoted = false;
                }
                else if (c == separator) { fields.Add(field.ToString()); field.Clear(); wasQuoted = false; }
                else if (c == '"' && field.Length == 0 && !wasQuoted) { quoted = true; wasQuoted = true; }
                else if (wasQuoted) { error = $"unexpected character '{c}' after a closing quote (write \"\" for a quote inside a quoted field)"; break; }
                else field.Append(c);
            }
            i++;
            if (error is not null) { yield return new CsvRecord(start.Number, null, error); continue; }
            fields.Add(field.ToString());
            yield return new CsvRecord(start.Number, fields.ToArray(), null);
        }
    }
}
