namespace WaypointWebhook.Policy.Resolution;

/// <summary>
/// The parsed <c>ambient.istio.io/waypoint-inbound-binding</c>, exactly as istiod's <c>makeInboundBinding</c>
/// reads it: split on <c>/</c>; more than two parts, or a protocol other than exactly <c>PROXY</c> or
/// <c>NONE</c>, is no binding at all; the port is Go's <c>strconv.ParseUint(s, 10, 32)</c> kept whatever its
/// error (a syntax error gives 0, an overflow 4294967295, which no listener has).
/// </summary>
public sealed record InboundBinding(string Protocol, uint Port)
{
    public const string ProtocolProxy = "PROXY";
    public const string ProtocolNone = "NONE";

    public static InboundBinding? Parse(string? annotation)
    {
        if (annotation is null)
        {
            return null;
        }

        var parts = annotation.Split('/');
        if (parts.Length > 2 || parts[0] is not (ProtocolProxy or ProtocolNone))
        {
            return null;
        }

        return new InboundBinding(parts[0], parts.Length == 2 ? ParseUint32(parts[1]) : 0);
    }

    /// <summary>
    /// Go's <c>strconv.ParseUint(s, 10, 32)</c> as istiod uses it: the value on success, 0 on a syntax error
    /// (empty, a sign, any non-digit), the maximum on overflow (Go returns it with ErrRange as soon as the
    /// digits so far overflow, before it sees a later non-digit).
    /// </summary>
    public static uint ParseUint32(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        ulong value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return 0;
            }

            value = value * 10 + (ulong)(c - '0');
            if (value > uint.MaxValue)
            {
                return uint.MaxValue;
            }
        }

        return (uint)value;
    }
}
