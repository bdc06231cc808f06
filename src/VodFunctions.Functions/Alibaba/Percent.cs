using System.Text;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// Alibaba Cloud's percent-encoding of signed text: RFC 3986, every byte of the UTF-8 text but the unreserved
/// <c>A-Z a-z 0-9 - _ . ~</c> as <c>%XX</c> in upper case (so a space is <c>%20</c>, <c>*</c> is <c>%2A</c>, <c>~</c> stays).
/// </summary>
public static class Percent
{
    public static string Encode(string text)
    {
        var encoded = new StringBuilder(text.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~') encoded.Append((char)b);
            else encoded.Append('%').Append(Convert.ToHexString([b]));
        }
        return encoded.ToString();
    }

    /// <summary>The canonicalized query of signed parameters: sorted by name (ordinal), <c>name=value</c> encoded, joined by <c>&amp;</c>.</summary>
    public static string Canonical(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Encode(p.Key) + "=" + Encode(p.Value)));
}
