"""The team-written, labeled seed corpus that the offline default sentiment model learns from.

Nothing here comes from a public data set: every phrase was written for Brandpulse.
Hand-written sentences cover the hard cases (sarcasm, negation, slang, emojis, mixed
opinions, questions, announcements); compositional templates spread opinions across
industries and writing styles (reviews, tweets, critic blurbs) so the model learns
sentiment words rather than one shop's vocabulary. ``build_seed_corpus`` is seeded and
deterministic, so its rows can be hashed to key the model cache.
"""

from __future__ import annotations

import random
import re

NEG, NEU, POS = "negative", "neutral", "positive"

# ---------------------------------------------------------------------------------------------
# Hand-written sentences, used as they are.

HAND_POSITIVE = """
Honestly the best purchase I've made all year.
Five stars, would buy again without thinking twice.
The staff went out of their way to help us, thank you!
Arrived early, works perfectly, zero complaints.
I was skeptical but this thing is brilliant.
Can't complain, it does exactly what it says.
No complaints at all, really happy with it.
Not bad at all, actually better than I expected.
It never disappoints, every single time.
This app has made my mornings so much easier.
Customer support fixed my issue in ten minutes, impressive.
Shoutout to the team at the downtown store, you rock!
Ok this is lowkey the best pizza in town.
Obsessed with my new sneakers 😍
This hits different, absolutely love it 🔥
10/10 would recommend to anyone.
Worth every penny.
My kids adore it and so do I.
Great value for money, solid build, fast shipping.
The refund came through quickly and they apologised, good service.
Finally a laptop that lasts a whole day on battery!
Happy birthday to the best coach ever, have an amazing day!
So proud of our team today, what a win!
Best concert of my life, still smiling.
Thank you all for the kind messages, it means the world.
What a gorgeous morning for a run.
I didn't expect much but it turned out wonderful.
Not the cheapest, but absolutely worth it.
The update fixed every bug I had, nice work devs.
Smells amazing and lasts all day.
Such a cozy little cafe, the cinnamon rolls are heavenly.
They replaced my broken order without any hassle, great experience.
Can't wait to go back next summer!
Excited to start my new job tomorrow!
Love love love this dress 💕
Couldn't be happier with the results.
A must-have for every kitchen.
I'd give it six stars if I could.
Genuinely helpful people, rare these days.
The hotel upgraded us for our anniversary, so sweet of them.
Big thanks to the nurse who looked after my dad this week.
Fast, friendly and the food was fresh. Will be back.
Smooth checkout and the package was beautifully wrapped.
It's not perfect, but it's the best one I've tried.
Yesss they brought back the pumpkin muffins!!
This series is a masterpiece, binged it in two days.
Cannot recommend this place enough.
Just what I needed after a long week.
The new menu is a huge improvement.
Easy to set up, even my grandma figured it out.
That was the funniest movie I've seen in years.
A warm, generous and beautifully acted film.
Our flight attendant was an absolute star, made the trip.
The sound quality on these headphones is unreal.
Got my package a day early, love it.
Really solid phone, camera is stunning in low light.
This shampoo saved my hair, no joke.
So glad I switched banks, the app is a joy to use.
Good vibes only at this place ✨
Still the best burger I've ever had.
Great game last night, the crowd was electric!
I appreciate how quickly you responded to my email, thanks!
Their new vegan options are delicious.
Feeling blessed and grateful today.
""".strip().splitlines()

HAND_NEGATIVE = """
Worst customer service I have ever dealt with.
Broke after two days. Total waste of money.
Never ordering from here again.
Still waiting for my refund, three weeks later.
The app crashes every time I open it.
Not worth the price, feels cheap.
Oh great, another update that deleted all my settings. Love that for me 🙃
Wow, two hours on hold. Fantastic customer service.
Thanks for nothing, really.
Sure, charge me twice, why not.
Nice to see my order is "delivered" when it isn't.
I wanted to love it but it's just not good.
It's not terrible, but I wouldn't buy it again.
Looked nice in the photos, arrived scratched and dented.
The food was cold and the waiter was rude.
My package is lost and nobody will answer my emails.
Don't waste your time with this company.
Ugh, the wifi is down again 😤
This is a joke. Cancelled my subscription.
The battery dies before lunch, useless.
Smells like chemicals and gave me a rash.
They keep raising prices while the quality keeps dropping.
Overpriced, overhyped and underwhelming.
Can't believe they discontinued my favourite flavour 😭
The room was dirty and the shower didn't work.
Flight delayed five hours and not a single update from the airline.
Absolute garbage, returned it the same day.
I regret buying this.
Zero stars if I could.
The new design is confusing and ugly.
Why is it so hard to cancel an account?? Ridiculous.
Seriously disappointed, expected so much better.
The seams ripped after one wash.
Support told me to restart it. Five times. Still broken.
It stopped charging after a month, warranty claim denied.
This movie was two hours of my life I will never get back.
A dull, lifeless film with nothing to say.
The plot makes no sense and the acting is wooden.
Not funny, not clever, not worth it.
Hard pass.
Yikes, that's a no from me 👎
So annoyed right now, my order got cancelled for no reason.
Feeling sick and stuck at home all weekend.
Can't believe we lost again, embarrassing performance.
Traffic is a nightmare today.
My phone screen cracked and the repair costs more than the phone.
They ignored my complaint completely.
Hidden fees everywhere, total scam.
Tastes stale and the portion was tiny.
I've had better coffee from a gas station.
Great, the train is late again. Just great.
Ten minutes into the call and they hung up on me.
The instructions are useless and parts were missing.
This used to be good, now it's awful.
Rip-off. Avoid.
My heart is broken, RIP to a legend 💔
Missed my connecting flight because of their delay, furious.
The noise from the street kept us up all night.
So much for "next day delivery".
Honestly the worst update they've ever shipped.
""".strip().splitlines()

HAND_NEUTRAL = """
Does anyone know if the store on 5th Street is open on Sundays?
What time does the pharmacy close tonight?
Is the blue version coming back in stock?
Ordered the medium size, arriving Thursday.
The update rolls out to Android users next week.
New store opening on Main Street this Saturday at 10am.
Our spring collection launches on March 3.
Reminder: the webinar starts at 2pm EST today.
We will be closed on Monday for the public holiday.
Which plan includes international calls?
How do I change the email address on my account?
Just landed in Chicago.
Heading to the office, back online in an hour.
The meeting has been moved to Wednesday.
Store hours are 9 to 6 on weekdays.
Watching the game at my brother's place tonight.
I switched to the annual plan last month.
The package says it ships from Ohio.
Has anyone tried the new oat milk option?
Can I bring my dog to the patio?
The model number is printed on the back of the box.
Trying the chicken wrap today.
It comes in three colours: black, white and sage.
The event is free for members, tickets for guests are $10.
Our customer service line is open 24/7.
The recall applies to units made before June.
Thinking about getting the larger size, any thoughts?
Price is $49 for the two-pack.
Follow the link in our bio for the full schedule.
The app now supports dark mode on tablets.
First day of the new semester tomorrow.
It's supposed to rain all weekend.
Live from the trade show in Las Vegas.
The mayor will speak at the town hall on Thursday.
Season 3 premieres on October 12.
The company reported quarterly results this morning.
Voting closes at 8pm local time.
The stadium holds about 60,000 people.
Delivery is scheduled between 2 and 4 pm.
Switching from the old router to the new one this weekend.
Our office moves to the fourth floor next month.
Which charger does this model use?
I usually take the 8:15 bus to work.
The manual is available as a PDF on their website.
Is this compatible with the 2019 version?
The menu changes every season.
Tickets go on sale Friday at noon.
The press conference is scheduled for tomorrow morning.
He was traded to Boston in the offseason.
The film opens in theaters nationwide on Friday.
The book is 320 pages long.
The restaurant is on the corner of Pine and 3rd.
I have a question about my invoice from last month.
Please DM us your order number and we'll take a look.
Returning the jacket for a different size.
The firmware version is 2.4.1.
The sale runs through Sunday.
We're hiring baristas for the summer season.
Posting the full recipe later tonight.
Taking the kids to the museum on Saturday.
""".strip().splitlines()

# ---------------------------------------------------------------------------------------------
# Industries: what people review, and the words that praise or criticise it.

INDUSTRIES: dict[str, dict[str, list[str]]] = {
    "coffee": {
        "things": [
            "the latte",
            "this coffee",
            "the cold brew",
            "their espresso",
            "the oat flat white",
            "the new blend",
            "the pastries",
        ],
        "pos": [
            "rich and smooth",
            "perfectly roasted",
            "delicious",
            "full of flavour",
            "so fresh",
            "the perfect pick-me-up",
        ],
        "neg": ["bitter and burnt", "watery", "stale", "lukewarm", "bland", "way too sweet"],
    },
    "restaurant": {
        "things": [
            "the food",
            "our dinner",
            "the pasta",
            "the steak",
            "the service",
            "the brunch menu",
            "the tacos",
            "dessert",
        ],
        "pos": [
            "delicious",
            "cooked to perfection",
            "fresh and tasty",
            "generous and flavourful",
            "outstanding",
            "mouth-watering",
        ],
        "neg": [
            "cold and greasy",
            "undercooked",
            "tasteless",
            "overpriced for the portion",
            "soggy",
            "inedible",
        ],
    },
    "electronics": {
        "things": [
            "this phone",
            "the laptop",
            "these earbuds",
            "the charger",
            "the smart watch",
            "the TV",
            "the camera",
            "the speaker",
        ],
        "pos": [
            "fast and reliable",
            "incredibly well built",
            "a huge upgrade",
            "crystal clear",
            "super responsive",
            "excellent",
        ],
        "neg": [
            "slow and buggy",
            "cheaply made",
            "constantly overheating",
            "dead on arrival",
            "laggy",
            "defective",
        ],
    },
    "software": {
        "things": [
            "the app",
            "the new update",
            "this software",
            "the dashboard",
            "their website",
            "the checkout page",
            "the login flow",
        ],
        "pos": [
            "intuitive and fast",
            "a pleasure to use",
            "really well designed",
            "rock solid",
            "seamless",
            "so much better now",
        ],
        "neg": [
            "buggy",
            "a confusing mess",
            "painfully slow",
            "broken again",
            "full of ads",
            "unusable",
        ],
    },
    "airline": {
        "things": [
            "the flight",
            "the crew",
            "the boarding process",
            "the seats",
            "the airline",
            "check-in",
            "the lounge",
        ],
        "pos": [
            "smooth and on time",
            "friendly and professional",
            "comfortable",
            "quick and painless",
            "excellent",
            "a great experience",
        ],
        "neg": [
            "delayed for hours",
            "a total mess",
            "cramped and dirty",
            "chaotic",
            "rude and unhelpful",
            "a nightmare",
        ],
    },
    "hotel": {
        "things": [
            "the room",
            "the hotel",
            "the breakfast",
            "the pool",
            "the front desk",
            "our stay",
            "the bed",
        ],
        "pos": [
            "spotless",
            "comfortable and quiet",
            "beautiful",
            "welcoming",
            "fantastic",
            "a dream",
        ],
        "neg": ["filthy", "noisy", "run down", "rude", "disappointing", "smelly"],
    },
    "fashion": {
        "things": [
            "the dress",
            "these jeans",
            "the jacket",
            "the shoes",
            "the fabric",
            "the fit",
            "this sweater",
        ],
        "pos": ["gorgeous", "so comfortable", "flattering", "great quality", "stylish", "perfect"],
        "neg": [
            "itchy",
            "see-through",
            "poorly stitched",
            "uncomfortable",
            "cheap looking",
            "falling apart",
        ],
    },
    "bank": {
        "things": [
            "the bank",
            "their mobile app",
            "customer support",
            "the transfer",
            "the credit card",
            "the account setup",
        ],
        "pos": [
            "quick and easy",
            "helpful",
            "transparent",
            "secure and simple",
            "hassle-free",
            "brilliant",
        ],
        "neg": [
            "slow",
            "full of hidden fees",
            "impossible to reach",
            "a headache",
            "unreliable",
            "frustrating",
        ],
    },
    "telecom": {
        "things": [
            "the internet",
            "the connection",
            "my phone plan",
            "the signal",
            "the router",
            "their coverage",
        ],
        "pos": [
            "blazing fast",
            "stable",
            "great value",
            "reliable",
            "strong everywhere",
            "excellent",
        ],
        "neg": [
            "constantly dropping",
            "painfully slow",
            "a rip-off",
            "spotty",
            "down again",
            "terrible",
        ],
    },
    "beauty": {
        "things": [
            "this moisturizer",
            "the serum",
            "the lipstick",
            "the shampoo",
            "the foundation",
            "this perfume",
        ],
        "pos": [
            "lovely",
            "gentle on my skin",
            "long lasting",
            "amazing",
            "light and soothing",
            "beautiful",
        ],
        "neg": ["greasy", "irritating", "patchy", "drying", "overpowering", "awful"],
    },
    "delivery": {
        "things": [
            "the delivery",
            "my order",
            "the courier",
            "shipping",
            "the packaging",
            "the driver",
        ],
        "pos": [
            "super quick",
            "right on time",
            "careful and friendly",
            "fast",
            "neat and secure",
            "excellent",
        ],
        "neg": ["late again", "lost", "careless", "painfully slow", "damaged", "a disaster"],
    },
    "fitness": {
        "things": [
            "the gym",
            "the classes",
            "the trainer",
            "the equipment",
            "the yoga studio",
            "the membership",
        ],
        "pos": [
            "motivating",
            "clean and modern",
            "worth it",
            "fantastic",
            "welcoming",
            "top notch",
        ],
        "neg": [
            "overcrowded",
            "dirty",
            "a waste of money",
            "broken half the time",
            "pushy",
            "disappointing",
        ],
    },
    "home": {
        "things": [
            "the sofa",
            "this vacuum",
            "the blender",
            "the mattress",
            "the lamp",
            "the coffee maker",
            "this water bottle",
        ],
        "pos": [
            "sturdy",
            "really powerful",
            "comfortable",
            "easy to clean",
            "well designed",
            "excellent",
        ],
        "neg": ["flimsy", "noisy", "leaking everywhere", "hard to assemble", "wobbly", "broken"],
    },
    "car": {
        "things": [
            "the car",
            "the dealership",
            "the repair shop",
            "the rental",
            "the test drive",
            "the mechanic",
        ],
        "pos": [
            "smooth",
            "honest and fair",
            "a joy to drive",
            "quick and professional",
            "excellent",
            "trustworthy",
        ],
        "neg": ["unreliable", "dishonest", "a lemon", "overpriced", "sloppy", "shady"],
    },
    "games": {
        "things": [
            "the game",
            "the new season",
            "the update",
            "multiplayer",
            "the story mode",
            "the controls",
        ],
        "pos": ["addictive", "so much fun", "beautifully made", "smooth", "epic", "incredible"],
        "neg": ["pay to win", "full of bugs", "boring", "laggy", "unplayable", "a letdown"],
    },
    "streaming": {
        "things": [
            "the show",
            "this series",
            "the finale",
            "the new season",
            "the documentary",
            "the podcast",
        ],
        "pos": [
            "gripping",
            "hilarious",
            "brilliant",
            "beautifully shot",
            "binge-worthy",
            "fantastic",
        ],
        "neg": ["boring", "predictable", "a mess", "painfully slow", "cringe", "a letdown"],
    },
    "health": {
        "things": [
            "the clinic",
            "the dentist",
            "the pharmacy",
            "the doctor",
            "the appointment system",
            "the vet",
        ],
        "pos": ["caring", "professional", "reassuring", "efficient", "kind", "excellent"],
        "neg": ["rushed", "dismissive", "disorganised", "rude", "unprofessional", "careless"],
    },
}

GENERIC_POS_ADJ = [
    "amazing",
    "awesome",
    "brilliant",
    "delightful",
    "excellent",
    "fantastic",
    "fabulous",
    "great",
    "lovely",
    "outstanding",
    "perfect",
    "superb",
    "terrific",
    "wonderful",
    "impressive",
    "solid",
    "reliable",
    "remarkable",
    "charming",
    "enjoyable",
    "pleasant",
    "stellar",
    "flawless",
    "top-notch",
    "first-rate",
    "exceptional",
    "refreshing",
    "satisfying",
    "marvelous",
    "splendid",
    "beautiful",
    "gorgeous",
    "elegant",
    "clever",
    "smart",
    "fun",
    "entertaining",
    "inspiring",
    "touching",
    "heartwarming",
    "uplifting",
    "memorable",
    "fresh",
    "polished",
    "graceful",
    "vivid",
    "admirable",
    "rewarding",
    "engaging",
    "compelling",
    "likable",
    "sweet",
    "friendly",
    "generous",
    "thoughtful",
    "dazzling",
    "magnificent",
    "exquisite",
    "witty",
    "charismatic",
    "handy",
    "useful",
]
GENERIC_NEG_ADJ = [
    "awful",
    "terrible",
    "horrible",
    "disappointing",
    "dreadful",
    "poor",
    "bad",
    "mediocre",
    "useless",
    "pathetic",
    "atrocious",
    "lousy",
    "frustrating",
    "annoying",
    "unacceptable",
    "shoddy",
    "miserable",
    "infuriating",
    "subpar",
    "worthless",
    "abysmal",
    "disgraceful",
    "underwhelming",
    "painful",
    "flawed",
    "crummy",
    "second-rate",
    "dismal",
    "unbearable",
    "sad",
    "boring",
    "dull",
    "tedious",
    "bland",
    "clumsy",
    "awkward",
    "pointless",
    "silly",
    "stupid",
    "ugly",
    "messy",
    "confusing",
    "tiresome",
    "lifeless",
    "lame",
    "cheap",
    "forgettable",
    "inept",
    "pretentious",
    "overrated",
    "sloppy",
    "careless",
    "rude",
    "dirty",
    "broken",
    "stale",
    "gross",
    "disgusting",
    "ridiculous",
    "incompetent",
    "depressing",
    "unpleasant",
    "weak",
    "hollow",
    "tacky",
]
POS_VERB_PHRASES = [
    "I love {t}",
    "I really like {t}",
    "I'm so happy with {t}",
    "I'd recommend {t} to anyone",
    "I'm impressed by {t}",
    "We enjoyed {t}",
    "Really pleased with {t}",
    "{T} made my day",
    "{T} exceeded my expectations",
    "{T} is worth every penny",
    "{T} never lets me down",
    "Huge fan of {t}",
    "Can't get enough of {t}",
    "{T} is a game changer",
    "{T} works like a charm",
    "Absolutely thrilled with {t}",
    "{T} keeps getting better",
    "So grateful for {t}",
    "{T} is exactly what I needed",
    "Nothing but praise for {t}",
]
NEG_VERB_PHRASES = [
    "I hate {t}",
    "I really dislike {t}",
    "I'm so disappointed with {t}",
    "Stay away from {t}",
    "I regret paying for {t}",
    "We were let down by {t}",
    "Really unhappy with {t}",
    "{T} ruined my day",
    "{T} fell far short of expectations",
    "{T} is a waste of money",
    "{T} keeps letting me down",
    "Fed up with {t}",
    "Sick of {t}",
    "{T} is a disaster",
    "{T} stopped working after a week",
    "Absolutely furious about {t}",
    "{T} keeps getting worse",
    "Never again with {t}",
    "{T} is not what was advertised",
    "Nothing but problems with {t}",
]
INTENSIFIERS = [
    "",
    "",
    "",
    "really ",
    "so ",
    "absolutely ",
    "incredibly ",
    "pretty ",
    "truly ",
    "super ",
]
MILD = ["", "", "a bit ", "kind of ", "somewhat ", "rather "]

REVIEW_POS_TEMPLATES = [
    "{T} is {i}{adj}.",
    "{T} was {i}{adj}!",
    "{T} is {i}{adj}, highly recommend.",
    "Honestly, {t} is {i}{adj}.",
    "{T}? {Adj}. Will buy again.",
    "Five stars, {t} is {adj}.",
    "Loved it, {t} was {i}{adj}.",
    "{T} turned out {i}{adj}.",
    "{Adj} experience, {t} was {adj2}.",
    "{T} is {adj} and {adj2}.",
    "Wow, {t} is {i}{adj}!",
    "Gotta say {t} is {adj} 👍",
    "I was worried at first but {t} is {adj}.",
    "{T} was not cheap but it is {adj}.",
    "Really {adj}, and {t} is {adj2} too.",
]
REVIEW_NEG_TEMPLATES = [
    "{T} is {i}{adj}.",
    "{T} was {i}{adj}.",
    "{T} is {i}{adj}, avoid.",
    "Honestly, {t} is {i}{adj}.",
    "{T}? {Adj}. Returning it.",
    "One star, {t} is {adj}.",
    "Hated it, {t} was {i}{adj}.",
    "{T} turned out {i}{adj}.",
    "{Adj} experience, {t} was {adj2}.",
    "{T} is {adj} and {adj2}.",
    "Wow, {t} is {i}{adj}.",
    "Gotta say {t} is {adj} 👎",
    "I had high hopes but {t} is {adj}.",
    "{T} looked great online but it is {adj}.",
    "Really {adj}, and {t} is {adj2} too.",
]
NEGATED_POS = [  # negated praise reads as criticism
    "{T} is not {adj} at all.",
    "{T} isn't {i}{adj}.",
    "{T} wasn't {adj}, sadly.",
    "Don't believe the hype, {t} is not {adj}.",
    "I wouldn't call {t} {adj}.",
    "{T} is far from {adj}.",
    "Not {adj}. Not even close.",
    "{T} was never {adj} to begin with.",
]
NEGATED_NEG = [  # negated criticism reads as (mild) praise
    "{T} is not {adj} at all, I'm happy.",
    "{T} wasn't {adj} like people said, it's great.",
    "Contrary to the reviews, {t} is not {adj}, I love it.",
    "Nothing {adj} about {t}, it's lovely.",
    "{T} never feels {adj}, really enjoy it.",
    "Can't say anything bad about {t}.",
]
MIXED_TO_NEG = [  # the clause after "but" carries the verdict
    "{T} looks {pos}, but it is {neg}.",
    "I wanted to like {t}, but it's {neg}.",
    "Nice idea, but {t} is {neg}.",
    "{T} started out {pos} but ended up {neg}.",
    "The price is {pos}, but honestly {t} is {neg}.",
    "{T} has a {pos} design, too bad it's {neg}.",
]
MIXED_TO_POS = [
    "{T} is a little {neg} at first, but overall it's {pos}.",
    "Despite a {neg} start, {t} is {pos}.",
    "{T} was {neg} to set up, but now it's {pos}.",
    "Not perfect, but {t} is {pos}.",
    "Shipping was slow, but {t} is {pos}.",
    "A bit pricey, but {t} is {pos}.",
]

# ---------------------------------------------------------------------------------------------
# Critic voice (film, books, music, shows), in the phrasing reviewers use.

WORKS = [
    "the film",
    "this movie",
    "the director's latest",
    "the script",
    "the cast",
    "the performances",
    "the story",
    "the novel",
    "this album",
    "the show",
    "the sequel",
    "the documentary",
    "the play",
    "the screenplay",
    "the soundtrack",
    "the animation",
    "the ending",
    "the dialogue",
    "the lead actor",
    "this comedy",
    "the thriller",
    "the musical",
    "the remake",
    "this drama",
    "the debut",
]
CRITIC_POS = [
    "a gorgeous, witty and seductive piece of work",
    "funny, moving and beautifully acted",
    "one of the most purely enjoyable films of the year",
    "a triumph of craft and heart",
    "a smart, sharp and surprisingly tender ride",
    "an engrossing and intelligent drama",
    "rich in emotional texture",
    "a thoroughly entertaining experience",
    "a rare gem",
    "powerful and deeply affecting",
    "a delight from start to finish",
    "endlessly inventive",
    "warm, funny and wise",
    "exhilarating",
    "a haunting, lyrical meditation on loss",
    "full of life and humor",
    "a visual feast",
    "thoughtful and provocative",
    "a crowd-pleaser with real wit",
    "lovingly crafted",
    "remarkably assured for a first feature",
    "sweet without being sappy",
    "clever and compelling",
    "a joy to watch",
    "refreshingly honest",
    "a masterful blend of suspense and humor",
    "brimming with charm",
    "an absolute knockout",
    "gripping from the first scene",
    "heartfelt and hilarious",
    "beautifully observed",
    "a stirring, uplifting story",
    "smartly written and well paced",
    "irresistibly charming",
    "the kind of film that stays with you",
    "hugely entertaining",
    "a small miracle",
    "perfectly cast and beautifully shot",
    "vibrant and original",
    "quietly devastating and brilliant",
    "an intimate, moving portrait",
    "sharp, funny and wonderfully acted",
    "a sly, smart comedy",
    "ambitious and mostly successful",
    "a genuinely scary ride",
    "as fresh as anything this year",
    "tender, truthful and often very funny",
    "a stunning piece of filmmaking",
    "an unexpected pleasure",
    "a wise and generous film",
    "delightfully odd",
    "an absorbing character study",
    "deeply satisfying",
    "a sweet, sincere little movie",
    "a rousing good time",
    "the best of its kind in years",
    "full of surprises",
    "impeccably crafted",
    "a thrilling, confident debut",
    "surprisingly poignant",
    "the rare sequel that improves on the original",
    "fun, fast and clever",
    "a luminous performance",
    "engaging from start to finish",
    "funnier than it has any right to be",
    "wonderfully strange",
]
CRITIC_NEG = [
    "a dull, lifeless slog",
    "tedious and overlong",
    "badly written and worse acted",
    "a mess of clichés",
    "painfully unfunny",
    "a tired retread of better films",
    "flat, forgettable and far too long",
    "lacking any real emotional punch",
    "a soggy, sentimental bore",
    "shallow and pretentious",
    "a waste of a talented cast",
    "clumsy and incoherent",
    "as exciting as watching paint dry",
    "stilted and lifeless",
    "a chore to sit through",
    "predictable from the first frame",
    "thin on ideas and long on noise",
    "an empty exercise in style",
    "loud, dumb and exhausting",
    "so boring I nearly fell asleep",
    "an embarrassing misfire",
    "dragged down by a lazy script",
    "neither funny nor clever",
    "mind-numbingly repetitive",
    "a muddled, joyless affair",
    "awkward and unconvincing",
    "hollow at its core",
    "an utter disappointment",
    "a bland, by-the-numbers effort",
    "too silly to take seriously",
    "a pointless, meandering mess",
    "cheap and shoddy",
    "more grating than entertaining",
    "devoid of wit or warmth",
    "lazy and uninspired",
    "a long, dreary slog",
    "poorly paced and badly edited",
    "contrived and manipulative",
    "ugly to look at",
    "instantly forgettable",
    "a sluggish, self-important drama",
    "all style and no substance",
    "a tired, formulaic comedy",
    "an overwrought mess",
    "more confusing than compelling",
    "a limp thriller with no thrills",
    "grating and obnoxious",
    "a sentimental slog",
    "stale and derivative",
    "numbingly dull",
    "a misguided attempt at satire",
    "ponderous and humorless",
    "shrill, sloppy and overlong",
    "a hollow, cynical cash grab",
    "an unfunny parade of clichés",
    "tedious beyond belief",
    "a clumsy, heavy-handed message movie",
    "cheesy in all the wrong ways",
    "lazy, loud and pointless",
    "a dreary, joyless experience",
    "as flat as a pancake",
    "painfully amateurish",
    "a bloated bore",
    "emotionally empty",
    "a disappointing waste of potential",
    "dumb fun without the fun",
]
CRITIC_POS_VERBS = [
    "succeeds on every level",
    "works beautifully",
    "manages to be both funny and touching",
    "earns its emotional payoff",
    "rewards patient viewers",
    "keeps you guessing until the end",
    "never hits a false note",
    "delivers on its promise",
    "grabs you and does not let go",
    "finds real humanity in its characters",
    "soars",
    "captures the spirit of its era",
    "makes the familiar feel new",
    "will leave you smiling",
    "holds up remarkably well",
    "deserves a wide audience",
    "is well worth your time",
    "handles its big themes with grace",
    "brings out the best in its cast",
    "is a pleasure from beginning to end",
]
CRITIC_NEG_VERBS = [
    "never quite comes together",
    "falls flat",
    "misses the mark",
    "fails to generate any suspense",
    "lacks the energy of the original",
    "wears out its welcome",
    "runs out of steam halfway through",
    "tries too hard and says too little",
    "squanders a promising premise",
    "never finds its footing",
    "collapses under its own weight",
    "feels like a first draft",
    "goes nowhere",
    "is undone by a ridiculous ending",
    "drags on forever",
    "insults the audience's intelligence",
    "offers nothing we have not seen before",
    "leaves you cold",
    "is not worth the price of admission",
    "should have gone straight to video",
]
CRITIC_TEMPLATES = [
    "{W} is {p}.",
    "{p}.",
    "{W}: {p}.",
    "{W} proves {p}.",
    "what a film: {p}.",
    "{W} is nothing short of {p}.",
    "at its best, {w} is {p}.",
    "in the end, {w} is {p}.",
    "{W} turns out to be {p}.",
    "simply put, {p}.",
]

# ---------------------------------------------------------------------------------------------
# Social posts about everyday life, events and news.

POS_SOCIAL = [
    "so excited for {event} {when}! {pe}",
    "can't wait for {event} {when} {pe}",
    "just had the best {meal} at {place} {pe}",
    "{team} won!! what a game {pe}",
    "thank you {mention} for the {gift}, you made my day {pe}",
    "loving this {weather} today {pe}",
    "had an amazing time at {event} last night {pe}",
    "happy {holiday} everyone! {pe}",
    "proud of my sister for finishing her first marathon {pe}",
    "{artist}'s new album is incredible {pe}",
    "best {event} ever, thank you {place}! {pe}",
    "finally {achievement}, feeling great {pe}",
    "such a beautiful day at {place} {pe}",
    "good morning! ready for a great {day} {pe}",
    "huge congrats to {mention} on the new job {pe}",
    "{artist} was absolutely amazing tonight {pe}",
    "we did it! {achievement} {pe}",
    "what a lovely surprise from {mention} {pe}",
]
NEG_SOCIAL = [
    "ugh, {problem} again {ne}",
    "so tired of {problem} {ne}",
    "can't believe {team} lost again {ne}",
    "my {day} is ruined, {problem} {ne}",
    "worst {event} ever, total waste of time {ne}",
    "why does {problem} always happen to me {ne}",
    "{mention} thanks for nothing, {problem} {ne}",
    "feeling awful today, {problem} {ne}",
    "hate this {weather} {ne}",
    "missed {event} because of {problem} {ne}",
    "{artist}'s new album is such a letdown {ne}",
    "so angry right now, {problem} {ne}",
    "honestly {place} has gone downhill {ne}",
    "nothing is going right this {day} {ne}",
    "RIP {artist}, can't believe the news {ne}",
    "really disappointed that {event} got cancelled {ne}",
    "{team} played terribly tonight {ne}",
    "this {day} can't end soon enough {ne}",
]
NEU_SOCIAL = [
    "{event} starts at {time} on {day}.",
    "watching {show} tonight",
    "heading to {place} {when}",
    "does anyone know if {place} is open on {day}?",
    "{org} announces new {product} for {year}",
    "{artist} will perform at {place} on {day}",
    "reminder: {event} is {when}",
    "{org} to release quarterly earnings on {day}",
    "new post: 5 things to know about {topic} {url}",
    "{team} vs {team2} kicks off at {time}",
    "live updates from {event} {url}",
    "{person} will speak at {event} {when}",
    "who's going to {event} {when}?",
    "{org} moves its headquarters to {city}",
    "tickets for {event} go on sale {day}",
    "{person} joins {org} as chief marketing officer",
    "the {event} lineup was announced today {url}",
    "is {show} on tonight or {day}?",
    "{org} is recalling some {product} models",
    "at {place} with {mention}",
    "{city} weather for {day}: {weather}, high of 18",
    "{person} talked about {topic} on {show} {when}",
    "the {product} release date is expected to be {day}",
    "{org} opens a new office in {city}",
]
SOCIAL_FILL: dict[str, list[str]] = {
    "event": [
        "the concert",
        "the festival",
        "game night",
        "the parade",
        "the premiere",
        "the conference",
        "the match",
        "the launch party",
        "the marathon",
        "the book signing",
    ],
    "when": ["tomorrow", "tonight", "this weekend", "on Friday", "next week", "on Saturday"],
    "meal": ["brunch", "tacos", "ramen", "pizza", "burger", "sushi", "pancakes"],
    "place": [
        "Joe's Diner",
        "the beach",
        "Central Park",
        "the new mall",
        "Madison Square Garden",
        "the farmers market",
        "the lake",
        "the library",
        "grandma's house",
    ],
    "team": [
        "the Packers",
        "the Lakers",
        "Arsenal",
        "the Yankees",
        "our team",
        "the Giants",
        "Real Madrid",
    ],
    "team2": ["the Bears", "the Celtics", "Chelsea", "the Red Sox", "the Cowboys", "Barcelona"],
    "mention": ["@jess_k", "@mike_t", "@thebakery", "@DeltaHelp", "@sarah", "@coach_dan", "@user"],
    "gift": ["flowers", "birthday cake", "kind note", "tickets", "surprise package", "coffee"],
    "weather": ["sunshine", "snow", "rain", "heat", "wind", "fog"],
    "holiday": ["Friday", "Thanksgiving", "new year", "4th of July", "Halloween", "Mother's Day"],
    "artist": ["Taylor Swift", "Drake", "Adele", "Beyonce", "Coldplay", "Ed Sheeran", "the band"],
    "achievement": [
        "passed my driving test",
        "got the promotion",
        "finished the project",
        "moved into our new place",
        "hit my savings goal",
    ],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "problem": [
        "my flight got cancelled",
        "the power went out",
        "my laptop crashed",
        "the bus never came",
        "my phone died",
        "the wifi is down",
        "I got a parking ticket",
        "my package got lost",
        "stuck in traffic for two hours",
    ],
    "show": [
        "the late show",
        "SNL",
        "the news",
        "Game of Thrones",
        "the debate",
        "the finale",
        "Monday Night Football",
    ],
    "org": [
        "Apple",
        "Google",
        "Samsung",
        "Microsoft",
        "Nike",
        "Tesla",
        "Amazon",
        "the city council",
        "Starbucks",
        "Netflix",
    ],
    "product": [
        "iPhone",
        "Galaxy phone",
        "smart speaker",
        "electric car",
        "running shoe",
        "streaming plan",
        "laptop",
    ],
    "year": ["2026", "next year", "the fall", "the holidays"],
    "topic": [
        "the election",
        "climate policy",
        "the new tax rules",
        "remote work",
        "the playoffs",
        "the housing market",
        "AI",
    ],
    "url": ["http://bit.ly/x1", "https://t.co/abc", "http://news.example.com", ""],
    "time": ["7pm", "8:30", "noon", "10am", "6 pm ET"],
    "city": ["Austin", "Denver", "London", "Berlin", "Toronto", "Seattle"],
    "person": [
        "the president",
        "the CEO",
        "the coach",
        "the mayor",
        "Elon Musk",
        "the senator",
        "Obama",
        "the governor",
    ],
    "pe": ["", "", "😊", "😍", "🎉", "❤️", "🙌", "#blessed", "!!", ":)"],
    "ne": ["", "", "😡", "😤", "🙄", "😞", "💔", "#fail", "smh", ":("],
}

HASHTAGS = [
    "news",
    "tbt",
    "mondaymotivation",
    "football",
    "tech",
    "music",
    "politics",
    "travel",
    "food",
    "nba",
    "election2016",
]

# Neutral product talk: facts, questions and announcements with no opinion.
NEU_PRODUCT = [
    "{T} comes in two sizes.",
    "Does {t} work with older models?",
    "Where can I buy {t} in Canada?",
    "{T} will be back in stock next week.",
    "Just ordered {t}, should arrive Friday.",
    "We're launching {t} on {day}.",
    "How long does {t} take to arrive?",
    "Anyone tried {t} yet?",
    "{T} is now available in all stores.",
    "Comparing {t} with the older version before I decide.",
    "Is {t} covered by the warranty?",
    "Picking up {t} after work.",
    "{T} is on sale until {day}.",
    "Our team will demo {t} at the expo.",
    "Question about {t}: is there a student discount?",
    "Thinking of trying {t} this week.",
    "{T} ships from the warehouse in Texas.",
    "Do you deliver {t} on weekends?",
    "Here's a first look at {t}.",
    "{T}: price, specs and release date.",
    "Update on {t}: new colours arrive in spring.",
    "What's the difference between {t} and the pro version?",
]


# Neutral context in front of an opinion: the verdict, not the length, decides the label.
CRITIC_CONTEXT = [
    "set in 1970s boston,",
    "based on the bestselling novel,",
    "at just over two hours,",
    "with a cast of mostly unknown actors,",
    "adapted from a true story,",
    "in her third feature,",
    "shot on digital video in a few weeks,",
    "as a period piece about a small-town family,",
    "like most sequels,",
    "whether or not you know the original,",
    "part road movie and part mystery,",
    "told mostly in flashbacks,",
    "for a film about a chess tournament,",
    "coming from the director of two hit comedies,",
    "with its wartime setting and sprawling cast,",
    "as an adaptation of a classic play,",
]
REVIEW_CONTEXT = [
    "I bought this for my daughter's birthday and",
    "After using it daily for three weeks,",
    "We stayed two nights in March and",
    "Ordered on Monday, arrived Thursday, and",
    "Compared with my old one,",
    "For the price,",
    "My husband picked this up last weekend and",
    "I've been a customer for five years and",
    "Tried it on my commute this morning and",
    "We went there for lunch with the kids and",
    "Second time ordering here and",
    "Long story short,",
    "Update after a month:",
    "As someone who travels a lot,",
]
NEU_NEWS = [  # factual reports stay neutral, even about unpleasant events
    "police investigate break-in at {place} in {city}",
    "{org} faces lawsuit over {topic}",
    "protests planned in {city} on {day}",
    "storm expected to hit {city} {when}",
    "{person} comments on {topic} ahead of {event}",
    "{org} to cut 200 jobs, report says {url}",
    "{city} council votes on the budget {when}",
    "{person} responds to questions about {topic}",
    "officials confirm road closures in {city} on {day}",
    "{team} coach fired after losing streak, sources say",
    "what we know so far about {topic} {url}",
    "{org} shares fall 3% after earnings",
]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, thing: str, **values: str) -> str:
    values = {**values, "t": thing, "T": _cap(thing)}
    if "adj" in values:
        values["Adj"] = _cap(values["adj"])
    return template.format(**values)


def _sst_style(text: str) -> str:
    """Critic-corpus spelling: lower case, clitics and punctuation split off by spaces."""
    text = re.sub(r"n't\b", " n't", text.lower())
    text = re.sub(r"'s\b", " 's", text)
    return re.sub(r"\s+", " ", re.sub(r"([,.!?:;])", r" \1 ", text)).strip()


def build_seed_corpus(seed: int = 13, per_class: int = 2000) -> list[tuple[str, str]]:
    """Labeled (text, label) rows: the hand-written sentences plus ``per_class`` generated
    examples per label, deduplicated, in a seeded order."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    rows += [(t, POS) for t in HAND_POSITIVE] + [(t, NEG) for t in HAND_NEGATIVE]
    rows += [(t, NEU) for t in HAND_NEUTRAL]

    def industry() -> tuple[str, dict[str, list[str]]]:
        name = rng.choice(list(INDUSTRIES))
        return name, INDUSTRIES[name]

    def adjectives(words: list[str], generic: list[str]) -> tuple[str, str]:
        pool = words + generic
        first, second = rng.sample(pool, 2)
        return first, second

    def review(label: str) -> str:
        _, ind = industry()
        thing = rng.choice(ind["things"])
        roll = rng.random()
        pos_adj, pos_adj2 = adjectives(ind["pos"], GENERIC_POS_ADJ)
        neg_adj, neg_adj2 = adjectives(ind["neg"], GENERIC_NEG_ADJ)
        i = rng.choice(INTENSIFIERS)
        if label == POS:
            if roll < 0.45:
                return _fill(
                    rng.choice(REVIEW_POS_TEMPLATES), thing, adj=pos_adj, adj2=pos_adj2, i=i
                )
            if roll < 0.7:
                return _fill(
                    rng.choice(POS_VERB_PHRASES) + rng.choice([".", "!", " 😍", "!!"]), thing
                )
            if roll < 0.85:
                return _fill(
                    rng.choice(MIXED_TO_POS), thing, neg=rng.choice(MILD) + neg_adj, pos=pos_adj
                )
            return _fill(rng.choice(NEGATED_NEG), thing, adj=neg_adj, i=i)
        if roll < 0.45:
            return _fill(rng.choice(REVIEW_NEG_TEMPLATES), thing, adj=neg_adj, adj2=neg_adj2, i=i)
        if roll < 0.7:
            return _fill(rng.choice(NEG_VERB_PHRASES) + rng.choice([".", "!", " 😡", "."]), thing)
        if roll < 0.85:
            return _fill(rng.choice(MIXED_TO_NEG), thing, neg=neg_adj, pos=pos_adj)
        return _fill(rng.choice(NEGATED_POS), thing, adj=pos_adj, i=i)

    def with_context(text: str, contexts: list[str]) -> str:
        if rng.random() < 0.35:
            return f"{rng.choice(contexts)} {text[:1].lower()}{text[1:]}"
        return text

    def critic(label: str) -> str:
        work = rng.choice(WORKS)
        good, bad = (CRITIC_POS, CRITIC_NEG) if label == POS else (CRITIC_NEG, CRITIC_POS)
        verbs = CRITIC_POS_VERBS if label == POS else CRITIC_NEG_VERBS
        roll = rng.random()
        if roll < 0.45:
            text = _fill(
                rng.choice(CRITIC_TEMPLATES), work, p=rng.choice(good), W=_cap(work), w=work
            )
        elif roll < 0.7:
            text = f"{_cap(work)} {rng.choice(verbs)}."
        elif roll < 0.85:
            adj = rng.choice(GENERIC_POS_ADJ if label == POS else GENERIC_NEG_ADJ)
            text = f"{rng.choice(good)}, {work} is {rng.choice(INTENSIFIERS)}{adj}."
        else:  # the verdict follows the concession
            text = f"though {work} is {rng.choice(MILD)}{rng.choice(bad).split(',')[0]} at times, it {rng.choice(verbs)}."
        text = with_context(text, CRITIC_CONTEXT)
        return _sst_style(text) if rng.random() < 0.6 else _cap(text)

    def social(templates: list[str]) -> str:
        template = rng.choice(templates)
        values = {key: rng.choice(options) for key, options in SOCIAL_FILL.items()}
        text = re.sub(r"\s+", " ", template.format(**values)).strip()
        if rng.random() < 0.25:  # tags and mentions appear in every class: not a cue
            text = rng.choice(
                [f"@user {text}", f"{text} #{rng.choice(HASHTAGS)}", f"{text} via @user"]
            )
        return _cap(text) if rng.random() < 0.5 else text

    def neutral_product() -> str:
        _, ind = industry()
        return _fill(
            rng.choice(NEU_PRODUCT), rng.choice(ind["things"]), day=rng.choice(SOCIAL_FILL["day"])
        )

    def opinion(label: str) -> str:
        return with_context(review(label), REVIEW_CONTEXT)

    makers = {
        POS: [
            (0.40, lambda: opinion(POS)),
            (0.35, lambda: critic(POS)),
            (0.25, lambda: social(POS_SOCIAL)),
        ],
        NEG: [
            (0.40, lambda: opinion(NEG)),
            (0.35, lambda: critic(NEG)),
            (0.25, lambda: social(NEG_SOCIAL)),
        ],
        NEU: [
            (0.4, neutral_product),
            (0.45, lambda: social(NEU_SOCIAL)),
            (0.15, lambda: social(NEU_NEWS)),
        ],
    }
    seen = {text for text, _ in rows}
    for label, choices in makers.items():
        made, attempts = 0, 0
        weights = [w for w, _ in choices]
        while made < per_class and attempts < per_class * 20:
            attempts += 1
            make = rng.choices([m for _, m in choices], weights)[0]
            text = make()
            if text not in seen:
                seen.add(text)
                rows.append((text, label))
                made += 1
    rng.shuffle(rows)
    return rows
