using System.Text;

namespace WaypointWebhook.Cluster;

/// <summary>Line starts of a UTF-8 text, to turn byte offsets into 1-based lines and UTF-16 columns.</summary>
internal sealed class LineMap
{
    private readonly byte[] text;
    private readonly List<int> starts = [0];

    public LineMap(byte[] text)
    {
        this.text = text;
        for (var i = 0; i < text.Length; i++)
        {
            // A CRLF ends its line at the LF; a lone CR (old Mac files) is no line break to kubectl either.
            if (text[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }
    }

    public TextPosition At(long offset)
    {
        var index = starts.BinarySearch((int)offset);
        var line = index >= 0 ? index : ~index - 1;
        var column = Encoding.UTF8.GetCharCount(text.AsSpan(starts[line], (int)offset - starts[line]));
        return new TextPosition(line + 1, column + 1);
    }
}
