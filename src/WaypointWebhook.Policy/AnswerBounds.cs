namespace WaypointWebhook.Policy;

/// <summary>
/// How much of a decision an admission answer shows (spec section 8). The policy reads these too: it
/// writes messages only for the findings an answer can show, and counts the rest.
/// </summary>
public static class AnswerBounds
{
    /// <summary>The deny message lists at most this many findings, then <c>… and N more</c>.</summary>
    public const int MaxDenialsShown = 16;

    /// <summary>At most this many warnings (the last of them may be the <c>… and N more</c> summary).</summary>
    public const int MaxWarningsShown = 16;

    /// <summary>The deny message, in UTF-8 bytes.</summary>
    public const int MaxDenyMessageBytes = 4096;

    /// <summary>One warning, in characters: the API server keeps no more.</summary>
    public const int MaxWarningLength = 256;

    /// <summary>All warnings together, in characters: the API server keeps no more.</summary>
    public const int MaxWarningsTotalLength = 4096;
}
