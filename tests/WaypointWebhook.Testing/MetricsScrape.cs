using System.Globalization;

namespace WaypointWebhook.Testing;

/// <summary>The webhook's own metrics as Prometheus scrapes them (health port, <c>/metrics</c>).</summary>
public static class MetricsScrape
{
    /// <summary>The sum of a series over its label sets, filtered by a label substring.</summary>
    public static async Task<double> Sum(int healthPort, string series, string? labelFilter = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return Sum(await http.GetStringAsync($"http://127.0.0.1:{healthPort}/metrics"), series, labelFilter);
    }

    /// <summary>The sum of a series in a scrape's text over its label sets, filtered by a label substring.</summary>
    public static double Sum(string scrape, string series, string? labelFilter = null)
    {
        double sum = 0;
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(series + "{", StringComparison.Ordinal) && !line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                continue;
            }

            if (labelFilter is not null && !line.Contains(labelFilter, StringComparison.Ordinal))
            {
                continue;
            }

            sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
