"""The evidence register: facts F1–F28 of ``shared/brief/evidence.md``, in our own words.

Parameter files cite these ids (``evidence: [F5, F6]``); the schema rejects ids that
are not here. Each entry: source document label and a short paraphrase of what the
fact informs in the model.
"""

EVIDENCE: dict[str, tuple[str, str]] = {
    "F1": ("S0", "FSB counterintelligence programme against Chinese espionage (Entente-4); Russian private distrust of China"),
    "F2": ("S0", "June 2025 public statements of excellent relations; public alignment above private trust"),
    "F3": ("S0,S2", "Russia trains Chinese military personnel in 2025; know-how flows Russia to China"),
    "F4": ("S0", "Chinese dual-use parts in Russian drones and missile plants; Chinese support to Russia"),
    "F5": ("S3", "about 80% of critical drone electronics in Russia of Chinese origin (early 2025)"),
    "F6": ("S4", "about 60% of foreign weapon components and up to 80% of chips from China"),
    "F7": ("S4", "Russia shares sensitive military technology with China and finds refusal hard"),
    "F8": ("S4", "no formal alliance; both sides avoid entrapment in the other's wars"),
    "F9": ("S4", "North Korean shells and troops for Russia; 2024 treaty; Beijing uneasy at Pyongyang's autonomy"),
    "F10": ("S4", "analysts expect the partnership to last at least as long as the war"),
    "F11": ("S4", "Russia might repay China in a future US-China confrontation"),
    "F12": ("S0", "Taiwan's drone build-up on Ukrainian lessons (sea and strike drones, licensed autonomy software)"),
    "F13": ("S1,S2", "China halted drone sales to Ukraine and Europe while Russia still receives them"),
    "F14": ("S1", "China is Ukraine's largest trade partner, yet Ukraine rejects it as a guarantor"),
    "F15": ("S1", "Russia so dependent on China that Beijing could end the war"),
    "F16": ("S1", "Alaska summit; US view that it pushed Russia towards China"),
    "F17": ("S0", "EU plans sanctions on Chinese regional banks financing banned exports to Russia"),
    "F18": ("S0", "US presses Ukraine to keep China out of rare earths and reconstruction"),
    "F19": ("S0", "China replaced its Eurasian envoy after no progress on peace"),
    "F20": ("S0,S3", "NATO and Ukraine call Chinese firms enablers of Russia's war; sanction pressure"),
    "F21": ("S0", "Chinese firms invited into Crimean infrastructure projects"),
    "F22": ("S0", "Russia's labour shortage and foreign hiring"),
    "F23": ("S4", "Russia's expanded defence output could supply China or North Korea after the war"),
    "F24": ("S4", "joint exercises since 2005; military interoperability"),
    "F25": ("S3", "2025 pledge to counter US dual containment; Ukrainian claims of Chinese weapons"),
    "F26": ("S2", "Ukraine's domestic drone industry reduces its dependence on Chinese drones"),
    "F27": ("S0", "Chinese nationals fighting for Russia captured or killed"),
    "F28": ("S3", "Ukraine weighs sanctions on Chinese suppliers at a diplomatic cost"),
}
